// cmark-gfm (GitHub's CommonMark renderer, Debian's libcmark-gfm-dev) and its GFM extensions.
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
