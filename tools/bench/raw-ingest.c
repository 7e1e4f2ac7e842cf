/* raw-ingest: the reference for the ingest benchmark. A plain libsqlite3 loop that writes the same
 * rows the store API writes (accounts, tasks, messages; the schema's triggers then fill search_doc)
 * into an archive created by `sigmic-archive`, 500 tasks per transaction, with prepared statements and
 * the store's pragmas (WAL, synchronous=NORMAL, temp_store=MEMORY). Like the store, it ends each
 * transaction by applying the pending search changes to both FTS indexes (migrations 0009, 0010).
 *
 *   archive-bench tsv N | raw-ingest ARCHIVE_DIR/archive.sqlite
 *
 * Input lines: task-id TAB role TAB created-at TAB content. Reading is done before the clock starts. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define APPLY_SEARCH "INSERT INTO search_index_update VALUES (1); "

typedef struct { char *task, *role, *created, *content; } Row;

static void check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "raw-ingest: %s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: raw-ingest DATABASE < rows.tsv\n"); return 2; }
    size_t capacity = 1 << 16, count = 0;
    Row *rows = malloc(capacity * sizeof(Row));
    char *line = NULL;
    size_t length = 0;
    while (getline(&line, &length, stdin) > 0) {
        line[strcspn(line, "\n")] = 0;
        if (count == capacity) rows = realloc(rows, (capacity *= 2) * sizeof(Row));
        Row *row = &rows[count++];
        row->task = strdup(strtok(line, "\t"));
        row->role = strdup(strtok(NULL, "\t"));
        row->created = strdup(strtok(NULL, "\t"));
        row->content = strdup(strtok(NULL, "\t"));
    }
    sqlite3 *db;
    check(sqlite3_open(argv[1], &db), db, "open");
    check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;", 0, 0, 0), db, "pragmas");
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    check(sqlite3_exec(db, "INSERT INTO account (base_url, key_fingerprint, created_at) VALUES ('https://raw.invalid', 'sha256:raw', '2025-01-01T00:00:00.000Z')", 0, 0, 0), db, "account");
    sqlite3_int64 account = sqlite3_last_insert_rowid(db);
    sqlite3_stmt *task, *message;
    check(sqlite3_prepare_v2(db, "INSERT INTO task (account_id, remote_id, status, message, created_at, last_activity_at, "
                             "message_count, raw_list_json, first_seen_at) VALUES (?, ?, 'completed', ?, ?, ?, 10, '{}', ?)", -1, &task, 0), db, "prepare task");
    check(sqlite3_prepare_v2(db, "INSERT INTO message (task_id, remote_id, position, role, content, created_at, raw_json) "
                             "VALUES (?, ?, ?, ?, ?, ?, '{}')", -1, &message, 0), db, "prepare message");
    sqlite3_int64 task_row = 0;
    int position = 0, tasks_in_batch = 0;
    const char *current = "";
    char id[32];
    check(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0), db, "begin");
    for (size_t i = 0; i < count; i++) {
        Row *row = &rows[i];
        if (strcmp(row->task, current) != 0) {
            if (++tasks_in_batch > 500) {
                check(sqlite3_exec(db, APPLY_SEARCH "COMMIT; BEGIN IMMEDIATE", 0, 0, 0), db, "commit");
                tasks_in_batch = 1;
            }
            current = row->task;
            sqlite3_bind_int64(task, 1, account);
            sqlite3_bind_text(task, 2, row->task, -1, SQLITE_STATIC);
            sqlite3_bind_text(task, 3, row->content, -1, SQLITE_STATIC);
            sqlite3_bind_text(task, 4, row->created, -1, SQLITE_STATIC);
            sqlite3_bind_text(task, 5, row->created, -1, SQLITE_STATIC);
            sqlite3_bind_text(task, 6, row->created, -1, SQLITE_STATIC);
            check(sqlite3_step(task), db, "insert task");
            sqlite3_reset(task);
            task_row = sqlite3_last_insert_rowid(db);
            position = 0;
        }
        snprintf(id, sizeof id, "m%zu", i);
        sqlite3_bind_int64(message, 1, task_row);
        sqlite3_bind_text(message, 2, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(message, 3, position++);
        sqlite3_bind_text(message, 4, row->role, -1, SQLITE_STATIC);
        sqlite3_bind_text(message, 5, row->content, -1, SQLITE_STATIC);
        sqlite3_bind_text(message, 6, row->created, -1, SQLITE_STATIC);
        check(sqlite3_step(message), db, "insert message");
        sqlite3_reset(message);
    }
    check(sqlite3_exec(db, APPLY_SEARCH "COMMIT", 0, 0, 0), db, "commit");
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    sqlite3_finalize(task);
    sqlite3_finalize(message);
    sqlite3_close(db);
    printf("{\"messages\":%zu,\"seconds\":%.2f,\"messagesPerSecond\":%.0f}\n", count, seconds, count / seconds);
    return 0;
}
