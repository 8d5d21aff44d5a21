/*
 * cli/parse.c — `protokollsok parse [--max-bytes N] [--manifest FILE] FILE...`
 *
 * Prints, for each FILE, the ärenden the parser finds as one JSON object (see protocol/json.c)
 * followed by a newline, so several files give a stream of JSON texts. Warnings (decoding
 * repairs, dropped page noise) go to stderr naming the file. A file that cannot be read or is
 * refused (empty, binary, too large) is reported and skipped; the others are still printed and
 * the exit status is then 1.
 *
 * --manifest FILE: a tab-separated file whose header names its columns ("path kommun namnd date
 * url"; also "type"; any order), paths relative to the manifest's directory; or JSON Lines; read by
 * the indexer's manifest reader, so `parse` and `index` see the same metadata.
 */
#include "internal.h"
#include "protokollsok/file.h"
#include "protokollsok/indexer.h"
#include "protokollsok/document.h"
#include "protokollsok/pdf.h"
#include "protokollsok/protocol.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The manifest row for file: matched by identity (dev/ino), as the indexer does. */
static const ps_indexer_manifest_entry *manifest_row(const ps_indexer_manifest *m, const char *file)
{
    struct stat st;
    if (!m || stat(file, &st) != 0)
        return NULL;
    return ps_indexer_manifest_find(m, file, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
}

static void usage(FILE *out)
{
    fputs("Usage: protokollsok parse [--max-bytes N] [--manifest FILE] [--ocr] FILE...\n"
          "\n"
          "Print the ärenden the parser finds in each FILE as JSON (one object per file):\n"
          "dnr, §, title, nämnd, kommun, date, type, handläggare (each with its source:\n"
          "read, inferred, external or absent), pages, the span in the source, sections with\n"
          "byte offsets into the body, references, and the repaired body text.\n"
          "\n"
          "Options:\n"
          "  --max-bytes N    skip files larger than N bytes (default 52428800 = 50 MB;\n"
          "                   suffixes k, M, G allowed)\n"
          "  --manifest FILE  metadata from a TSV file with the header\n"
          "                   'path kommun namnd date url' (paths relative to its directory)\n"
          "  --ocr            read PDF pages without a text layer (scans) by OCR (Tesseract,\n"
          "                   Swedish; about 2-5 s per page)\n"
          "  -h, --help       show this help\n"
          "\n"
          "Exit status: 0 all files parsed, 1 some files skipped (messages on stderr),\n"
          "2 bad usage, 5 out of memory.\n",
          out);
}

int ps_cli_parse(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"max-bytes", required_argument, NULL, 'm'},
        {"manifest", required_argument, NULL, 'f'},
        {"ocr", no_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    size_t max = PS_PROTOCOL_DEFAULT_MAX_BYTES;
    const char *manifest_file = NULL;
    ps_pdf_opts pdf_opts = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (!ps_cli_parse_size(optarg, &max))
                return ps_cli_usage_error("parse", "bad --max-bytes value '%s'", optarg);
            break;
        case 'f':
            manifest_file = optarg;
            break;
        case 'o':
            pdf_opts.ocr = true;
            break;
        case 'h':
            usage(stdout);
            return PS_EXIT_OK;
        default:
            return ps_cli_usage_error("parse", "unknown option");
        }
    }
    if (optind >= argc)
        return ps_cli_usage_error("parse", "no FILE given");
    ps_indexer_manifest *m = NULL;
    if (manifest_file) {
        ps_error merr;
        ps_error_clear(&merr);
        ps_status mst = ps_indexer_manifest_load(manifest_file, &m, &merr);
        if (mst != PS_OK) {
            ps_error_locate(&merr, merr.file[0] ? NULL : manifest_file, merr.line, merr.offset);
            ps_cli_print_error("parse", &merr);
            return mst == PS_ERR_NOMEM ? PS_EXIT_FAILURE : PS_EXIT_USAGE;
        }
        for (size_t w = 0; w < ps_indexer_manifest_nwarnings(m); w++)
            fprintf(stderr, "protokollsok parse: warning: %s\n", ps_indexer_manifest_warning(m, w));
    }
    int status = PS_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        const char *path = argv[i];
        ps_error err;
        ps_error_clear(&err);
        char *bytes = NULL;
        size_t len = 0;
        ps_status st = ps_file_read(path, max, 0, &bytes, &len, NULL, &err);
        /* PDF, DOCX, ODT, HTML by content, not by extension; text passes through. */
        ps_document_format format = st == PS_OK ? ps_document_sniff(bytes, len) : PS_DOCUMENT_TEXT;
        bool paged = format == PS_DOCUMENT_PDF;
        ps_pdf_meta meta = {0};
        if (format != PS_DOCUMENT_TEXT) {
            char *text = NULL;
            st = ps_document_to_text(bytes, len, &pdf_opts, &text, &len, &meta, NULL, &err);
            free(bytes);
            bytes = text;
        }
        ps_protocol_doc *doc = NULL;
        if (st == PS_OK) {
            const ps_indexer_manifest_entry *row = manifest_row(m, path);
            ps_protocol_opts opts = {
                .source_name = path, .max_bytes = max, .paged = paged, .ocr = meta.ocr_pages > 0};
            if (row) {
                opts.kommun = row->kommun;
                opts.namnd = row->namnd;
                opts.date = row->date;
                opts.type = row->type;
            }
            st = ps_protocol_parse(bytes, len, &opts, &doc, &err);
        }
        if (st == PS_OK && meta.ocr_low_pages > 0)
            fprintf(stderr,
                    "protokollsok parse: %s: warning: OCR-läsningen är osäker på %d av %d sidor "
                    "(OCR confidence %d %%, below the threshold on %d of %d pages)\n",
                    path, meta.ocr_low_pages, meta.ocr_pages, meta.ocr_confidence,
                    meta.ocr_low_pages, meta.ocr_pages);
        ps_pdf_meta_clear(&meta);
        free(bytes);
        if (st != PS_OK) {
            ps_error_locate(&err, path, 0, err.offset);
            ps_cli_print_error("parse", &err);
            if (st == PS_ERR_NOMEM) {
                ps_indexer_manifest_free(m);
                return PS_EXIT_FAILURE;
            }
            status = PS_EXIT_PARTIAL;
            continue;
        }
        for (size_t w = 0; w < doc->nwarnings; w++)
            fprintf(stderr, "protokollsok parse: %s: warning: %s\n", path, doc->warnings[w]);
        char *json = ps_protocol_doc_to_json(doc, path);
        ps_protocol_doc_free(doc);
        if (!json) {
            fprintf(stderr, "protokollsok parse: %s: out of memory\n", path);
            ps_indexer_manifest_free(m);
            return PS_EXIT_FAILURE;
        }
        fputs(json, stdout);
        fputc('\n', stdout);
        free(json);
    }
    ps_indexer_manifest_free(m);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "protokollsok parse: cannot write output: %s\n", strerror(errno));
        return PS_EXIT_FAILURE;
    }
    return status;
}
