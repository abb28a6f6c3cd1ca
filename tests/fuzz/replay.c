/* Replays fuzz inputs without libFuzzer (any compiler): every file under the folders or
 * files named on the command line is fed once to LLVMFuzzerTestOneInput, which aborts on
 * a failed check. The normal test suite runs the committed corpus and the inputs that once
 * crashed this way. */
#define _DEFAULT_SOURCE /* scandir */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        exit(1);
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + len, 1, cap - len, f)) > 0;) {
        len += got;
        if (len == cap) {
            uint8_t *b = realloc(buf, cap *= 2);
            if (!b)
                free(buf);
            buf = b;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "replay: out of memory for %s\n", path);
        exit(1);
    }
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 1;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static size_t replay(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: %s does not exist\n", path);
        exit(1);
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    struct dirent **names;
    int count = scandir(path, &names, NULL, by_name);
    if (count < 0) {
        fprintf(stderr, "replay: cannot list %s\n", path);
        exit(1);
    }
    size_t done = 0;
    for (int k = 0; k < count; k++) {
        if (names[k]->d_name[0] != '.') {
            size_t len = strlen(path) + strlen(names[k]->d_name) + 2;
            char *child = malloc(len);
            snprintf(child, len, "%s/%s", path, names[k]->d_name);
            done += replay(child);
            free(child);
        }
        free(names[k]);
    }
    free(names);
    return done;
}

int main(int argc, char **argv)
{
    size_t done = 0;
    for (int k = 1; k < argc; k++)
        done += replay(argv[k]);
    if (done == 0) {
        fprintf(stderr, "replay: no inputs\n");
        return 1;
    }
    printf("replayed %zu inputs\n", done);
    return 0;
}
