// cmark-gfm (GitHub's CommonMark renderer, Debian's libcmark-gfm-dev) and its GFM extensions.
// Without them, the build stops at one line saying what installs them rather than at a missing file.
#if __has_include(<cmark-gfm.h>) && __has_include(<cmark-gfm-core-extensions.h>)
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#else
#error "cmark-gfm headers missing: run tools/test, which installs them (or apt-get install libcmark-gfm-dev libcmark-gfm-extensions-dev)"
#endif
