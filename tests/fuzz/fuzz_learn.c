/*
 * fuzz_learn.c — libFuzzer harness for the words learned from the corpus: arbitrary bytes as a
 * stored list (ps_lexicon_with_learned must take anything: the list comes from the index) and
 * as words offered to the learner, whose own list must read back with the same word count;
 * the text is then analyzed with both lexicons, which must give well-formed tokens.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protokollsok/analyzer.h"

static bool check_token(void *ctx, const ps_token *tok)
{
    size_t len = *(const size_t *)ctx;
    if (tok->start >= tok->end || tok->end > len || tok->nterms == 0 ||
        tok->terms[0].kind != PS_TERM_STEM)
        abort();
    for (size_t i = 0; i < tok->nterms; i++)
        if (tok->terms[i].len == 0 || tok->terms[i].len > PS_ANALYZER_TERM_MAX)
            abort();
    return true;
}

static void analyze_with(const ps_lexicon *lex, const uint8_t *data, size_t size)
{
    ps_analyzer *an = NULL;
    ps_error err;
    if (ps_analyzer_new(lex, PS_ANALYZER_SWEDISH, &an, &err) != PS_OK ||
        ps_analyzer_run(an, (const char *)data, size, 0, check_token, &size, &err) != PS_OK)
        abort();
    ps_analyzer_free(an);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ps_lexicon *lex;
    ps_error err;
    if (!lex && ps_lexicon_load(NULL, &lex, &err) != PS_OK)
        abort();

    /* the bytes as a stored list */
    ps_lexicon *ext = NULL;
    if (ps_lexicon_with_learned(lex, (const char *)data, size, &ext, &err) != PS_OK)
        abort();
    analyze_with(ext, data, size);
    ps_lexicon_free(ext);

    /* the bytes as words, each in two documents: what is learned must read back */
    ps_learner *l = NULL;
    if (ps_learner_new(lex, &l, &err) != PS_OK)
        abort();
    for (size_t i = 0; i < size;) {
        size_t j = i;
        while (j < size && data[j] != ' ' && data[j] != '\n')
            j++;
        if (j > i && ps_learner_add(l, (const char *)data + i, j - i, 2, &err) != PS_OK)
            abort();
        i = j + 1;
    }
    char *list = NULL;
    size_t count = 0;
    if (ps_learner_finish(l, &list, &count, &err) != PS_OK)
        abort();
    ps_learner_free(l);
    if (ps_lexicon_with_learned(lex, list, strlen(list), &ext, &err) != PS_OK ||
        ps_lexicon_learned_count(ext) != count)
        abort();
    analyze_with(ext, data, size);
    ps_lexicon_free(ext);
    free(list);
    return 0;
}
