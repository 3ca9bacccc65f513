/*
 * cosmo-sphinx: one speaker's live recogniser, kept open for a whole lecture.
 *
 * Two pocketsphinx decoders hear the same audio as it arrives. The lecture decoder uses
 * sphinxbase's own interpolation of two language models (the lesson's and a general English one:
 * ngram_model_set_init with weights); the general decoder uses the general model alone, as the
 * stock recogniser does. For every word of both, it reports its posterior and its log10
 * probability under each model alone: what the caller decides "said from the lesson, or not" on
 * (packages/translate/src/providers/pocketsphinx/confidence.ts). Both keep the speaker's cepstral
 * mean from one utterance to the next (live CMN), seeded from the mean stored for this teacher.
 *
 * Options of its own (the rest go to pocketsphinx: -hmm, -dict, -remove_noise, ...):
 *   --lesson PATH          the lesson's language model (ARPA); none: the general model alone
 *   --general PATH         the general language model
 *   --lesson-weight W      the lesson model's share of the mixture, 0 < W < 1
 *   --cmn A,B,...          the cepstral mean to start from (this teacher's, from earlier)
 *   --lecture-dict PATH    the lecture decoder's dictionary: the lesson's words and the most
 *                          common English ones (a small vocabulary searched with wide beams)
 *   --calibrate N          decode each of the first N utterances again once it has ended, from
 *                          the cepstral mean it moved the voice to (for a voice heard the first
 *                          time: its first sentences are otherwise heard through the wrong mean)
 *   --top-words N          print the general model's N likeliest words, one a line, and exit
 *
 * stdin carries frames: a tag byte, a little-endian uint32 length, then that many bytes.
 *   'B' begin an utterance    'A' audio (16 kHz mono int16 LE)    'E' end it: one JSON line out
 *   'P' the hypothesis so far: one JSON line out                  'X' end it, nothing out
 * stdout carries one JSON object per 'E' or 'P', in order. EOF on stdin ends the process.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pocketsphinx.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>
#include <sphinxbase/feat.h>
#include <sphinxbase/ngram_model.h>

#define MAX_CMN 64

typedef struct {
    ps_decoder_t *ps;      /* the lecture decoder: lesson and general models mixed */
    ps_decoder_t *gps;     /* the general decoder: the general model alone; NULL without a lesson */
    logmath_t *lmath;
    ngram_model_t *lesson;
    ngram_model_t *general;
    int in_utterance;
    int calibrate_left;    /* utterances still to decode again from the adapted mean */
    int16_t *audio;        /* the open utterance's audio, while calibrating */
    size_t samples, capacity;
} decoder_t;

static int read_exact(void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        size_t r = fread((char *)buf + got, 1, n - got, stdin);
        if (r == 0)
            return -1;
        got += r;
    }
    return 0;
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static int is_filler(const char *w)
{
    size_t n = strlen(w);
    return w[0] == '<' || w[0] == '[' || (n > 1 && w[0] == '+' && w[1] == '+');
}

/* The word without its pronunciation variant: "the(2)" is "the". */
static void base_word(const char *w, char *out, size_t size)
{
    snprintf(out, size, "%s", w);
    char *paren = strchr(out, '(');
    if (paren && paren != out)
        *paren = '\0';
}

/* log10 P(word | history) under one model; history words it does not know cut the history. */
static double log10_prob(decoder_t *d, ngram_model_t *model, const char *word, const char *h1,
                         const char *h2)
{
    if (!model || ngram_wid(model, word) == ngram_unknown_wid(model))
        return -99.0;
    const char *words[3] = {word, h1, h2};
    int n = 1;
    if (h1 && ngram_wid(model, h1) != ngram_unknown_wid(model)) {
        n = 2;
        if (h2 && ngram_wid(model, h2) != ngram_unknown_wid(model))
            n = 3;
    }
    int32 score = ngram_prob(model, words, n);
    double value = logmath_log_to_log10(d->lmath, score);
    return value < -99.0 ? -99.0 : value;
}

static void set_cmn(decoder_t *d, mfcc_t const *mean)
{
    cmn_live_set(ps_get_feat(d->ps)->cmn_struct, mean);
    if (d->gps)
        cmn_live_set(ps_get_feat(d->gps)->cmn_struct, mean);
}

static int cmn_length(decoder_t *d)
{
    int n = ps_get_feat(d->ps)->cmn_struct->veclen;
    return n > MAX_CMN ? MAX_CMN : n;
}

static void print_cmn(decoder_t *d)
{
    mfcc_t mean[MAX_CMN];
    int n = cmn_length(d);
    cmn_live_get(ps_get_feat(d->ps)->cmn_struct, mean);
    printf("\"cmn\":[");
    for (int i = 0; i < n; i++)
        printf("%s%.2f", i ? "," : "", MFCC2FLOAT(mean[i]));
    putchar(']');
}

/* A word the lesson's model has never seen counts as this much less likely under it (log10). */
#define UNSEEN_LOG10 -6.0

/* Prints ps's best path as "name":[...]: each word's text, frames, posterior and each model's
 * log10 probability. */
static void print_words(decoder_t *d, ps_decoder_t *ps, const char *name)
{
    char prev1[128] = "<s>", prev2[128] = "", word[128];
    int count = 0;
    ps_get_prob(ps);
    printf("\"%s\":[", name);
    for (ps_seg_t *seg = ps_seg_iter(ps); seg; seg = ps_seg_next(seg)) {
        const char *raw = ps_seg_word(seg);
        if (is_filler(raw))
            continue;
        base_word(raw, word, sizeof word);
        int sf, ef;
        ps_seg_frames(seg, &sf, &ef);
        printf("%s{\"w\":", count ? "," : "");
        json_string(word);
        printf(",\"s\":%d,\"e\":%d,\"p\":%.3f,\"l\":%.3f,\"g\":%.3f}", sf, ef,
               logmath_exp(d->lmath, ps_seg_prob(seg, NULL, NULL, NULL)),
               log10_prob(d, d->lesson, word, prev1, prev2[0] ? prev2 : NULL),
               log10_prob(d, d->general, word, prev1, prev2[0] ? prev2 : NULL));
        count++;
        snprintf(prev2, sizeof prev2, "%s", prev1);
        snprintf(prev1, sizeof prev1, "%s", word);
    }
    putchar(']');
}

static void start(decoder_t *d)
{
    ps_start_utt(d->ps);
    if (d->gps)
        ps_start_utt(d->gps);
}

static void stop(decoder_t *d)
{
    ps_end_utt(d->ps);
    if (d->gps)
        ps_end_utt(d->gps);
}

static void feed(decoder_t *d, const int16_t *pcm, size_t n)
{
    ps_process_raw(d->ps, pcm, n, FALSE, FALSE);
    if (d->gps)
        ps_process_raw(d->gps, pcm, n, FALSE, FALSE);
}

static void begin(decoder_t *d)
{
    d->samples = 0;
    if (d->in_utterance)
        stop(d);
    start(d);
    d->in_utterance = 1;
}

static void audio(decoder_t *d, const int16_t *pcm, size_t n)
{
    if (!d->in_utterance)
        begin(d);
    if (d->calibrate_left > 0) {
        if (d->samples + n > d->capacity) {
            d->capacity = (d->samples + n) * 2;
            d->audio = realloc(d->audio, d->capacity * sizeof(int16_t));
            if (!d->audio) {
                fprintf(stderr, "cosmo-sphinx: out of memory\n");
                exit(1);
            }
        }
        memcpy(d->audio + d->samples, pcm, n * sizeof(int16_t));
        d->samples += n;
    }
    feed(d, pcm, n);
}

static void end(decoder_t *d, int report)
{
    if (!d->in_utterance)
        begin(d);
    stop(d);
    d->in_utterance = 0;
    if (!report)
        return;
    if (d->calibrate_left > 0 && d->samples > 0) {
        /* Heard again from the mean this utterance moved the voice to; that mean stays (the
         * second pass would otherwise count the same frames twice). */
        d->calibrate_left--;
        mfcc_t adapted[MAX_CMN];
        cmn_live_get(ps_get_feat(d->ps)->cmn_struct, adapted);
        start(d);
        feed(d, d->audio, d->samples);
        stop(d);
        set_cmn(d, adapted);
    }
    printf("{\"final\":true,");
    print_words(d, d->ps, "words");
    if (d->gps) {
        putchar(',');
        print_words(d, d->gps, "general");
    }
    putchar(',');
    print_cmn(d);
    printf("}\n");
    fflush(stdout);
}

/* The hypothesis so far (its words have no frames or posteriors yet: -1). */
static void partial(decoder_t *d)
{
    int32 score;
    const char *hyp = d->in_utterance ? ps_get_hyp(d->ps, &score) : NULL;
    char prev1[128] = "<s>", prev2[128] = "", word[128];
    int count = 0;
    printf("{\"final\":false,\"words\":[");
    for (const char *p = hyp ? hyp : ""; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == 0)
            break;
        snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), p);
        p += n;
        if (is_filler(word))
            continue;
        printf("%s{\"w\":", count++ ? "," : "");
        json_string(word);
        printf(",\"s\":-1,\"e\":-1,\"p\":-1,\"l\":%.3f,\"g\":%.3f}",
               log10_prob(d, d->lesson, word, prev1, prev2[0] ? prev2 : NULL),
               log10_prob(d, d->general, word, prev1, prev2[0] ? prev2 : NULL));
        snprintf(prev2, sizeof prev2, "%s", prev1);
        snprintf(prev1, sizeof prev1, "%s", word);
    }
    printf("]}\n");
    fflush(stdout);
}

static int parse_cmn(const char *csv, mfcc_t *out)
{
    int n = 0;
    const char *p = csv;
    while (*p && n < MAX_CMN) {
        char *next;
        double v = strtod(p, &next);
        if (next == p)
            return -1;
        out[n++] = FLOAT2MFCC(v);
        p = *next == ',' ? next + 1 : next;
    }
    return n;
}

static ngram_model_t *read_model(cmd_ln_t *config, const char *path, logmath_t *lmath,
                                 const char *what)
{
    ngram_model_t *model = ngram_model_read(config, path, NGRAM_AUTO, lmath);
    if (!model) {
        fprintf(stderr, "cosmo-sphinx: cannot read the %s language model %s\n", what, path);
        exit(3);
    }
    return model;
}

static int by_probability(const void *a, const void *b)
{
    double pa = *(const double *)a, pb = *(const double *)b;
    return pa < pb ? 1 : pa > pb ? -1 : 0;
}

/* The general model's n likeliest words (its unigrams), for a lecture dictionary. */
static int print_top_words(const char *general_path, int n)
{
    logmath_t *lmath = logmath_init(1.0001, 0, 0);
    ngram_model_t *model = ngram_model_read(NULL, general_path, NGRAM_AUTO, lmath);
    if (!model) {
        fprintf(stderr, "cosmo-sphinx: cannot read the general language model %s\n", general_path);
        return 3;
    }
    int32 count = ngram_model_get_size(model) > 0 ? ngram_model_get_counts(model)[0] : 0;
    /* Pairs of (probability, word id), sorted likeliest first. */
    double *pairs = malloc(sizeof(double) * 2 * (count > 0 ? count : 1));
    int kept = 0;
    for (int32 wid = 0; wid < count; wid++) {
        const char *word = ngram_word(model, wid);
        if (!word || is_filler(word) || !strcmp(word, "<UNK>"))
            continue;
        pairs[2 * kept] = logmath_log_to_log10(lmath, ngram_probv(model, word, NULL));
        pairs[2 * kept + 1] = wid;
        kept++;
    }
    qsort(pairs, kept, 2 * sizeof(double), by_probability);
    for (int i = 0; i < kept && i < n; i++)
        printf("%s\n", ngram_word(model, (int32)pairs[2 * i + 1]));
    return 0;
}

int main(int argc, char **argv)
{
    const char *lesson_path = NULL, *general_path = NULL, *cmn_csv = NULL, *lecture_dict = NULL;
    double weight = 0.5;
    int top_words = 0, calibrate = 0;
    char **sphinx_argv = calloc(argc + 1, sizeof(char *));
    int sphinx_argc = 0;
    sphinx_argv[sphinx_argc++] = argv[0];
    for (int i = 1; i < argc; i++) {
        int has_value = i + 1 < argc;
        if (has_value && !strcmp(argv[i], "--lesson"))
            lesson_path = argv[++i];
        else if (has_value && !strcmp(argv[i], "--general"))
            general_path = argv[++i];
        else if (has_value && !strcmp(argv[i], "--lesson-weight"))
            weight = atof(argv[++i]);
        else if (has_value && !strcmp(argv[i], "--cmn"))
            cmn_csv = argv[++i];
        else if (has_value && !strcmp(argv[i], "--lecture-dict"))
            lecture_dict = argv[++i];
        else if (has_value && !strcmp(argv[i], "--calibrate"))
            calibrate = atoi(argv[++i]);
        else if (has_value && !strcmp(argv[i], "--top-words"))
            top_words = atoi(argv[++i]);
        else
            sphinx_argv[sphinx_argc++] = argv[i];
    }
    if (!general_path || weight <= 0 || weight >= 1) {
        fprintf(stderr, "cosmo-sphinx: --general PATH is required; --lesson-weight is in (0, 1)\n");
        return 2;
    }
    err_set_logfp(NULL);
    if (top_words > 0)
        return print_top_words(general_path, top_words);
    cmd_ln_t *config = cmd_ln_parse_r(NULL, ps_args(), sphinx_argc, sphinx_argv, TRUE);
    cmd_ln_t *lecture = cmd_ln_parse_r(NULL, ps_args(), sphinx_argc, sphinx_argv, TRUE);
    if (!config || !lecture) {
        fprintf(stderr, "cosmo-sphinx: bad pocketsphinx arguments\n");
        return 2;
    }
    if (lecture_dict && lesson_path) {
        /* A small vocabulary affords beams wide enough that a lesson word is not pruned before
         * the language model can speak for it (measured: "vapor" survives from 1e-70 / 1e-50,
         * at about 1.4x the stock decoder's time). */
        cmd_ln_set_float_r(lecture, "-beam", 1e-70);
        cmd_ln_set_float_r(lecture, "-pbeam", 1e-70);
        cmd_ln_set_float_r(lecture, "-wbeam", 1e-50);
        cmd_ln_set_float_r(lecture, "-lpbeam", 1e-55);
        cmd_ln_set_float_r(lecture, "-lponlybeam", 1e-45);
    }
    if (lecture_dict && lesson_path)
        cmd_ln_set_str_r(lecture, "-dict", lecture_dict);
    decoder_t d = {0};
    d.calibrate_left = calibrate;
    d.ps = ps_init(lecture);
    if (!d.ps) {
        fprintf(stderr, "cosmo-sphinx: pocketsphinx could not load its acoustic model or dictionary\n");
        return 3;
    }
    d.lmath = ps_get_logmath(d.ps);
    d.general = read_model(lecture, general_path, d.lmath, "general");
    ngram_model_t *model = d.general;
    if (lesson_path) {
        d.lesson = read_model(lecture, lesson_path, d.lmath, "lesson");
        ngram_model_t *models[2] = {d.lesson, d.general};
        char *names[2] = {"lesson", "general"};
        /* sphinxbase mixes the models after the language weight has scaled them, as
         * log(w1 P1^lw + w2 P2^lw); weights raised to lw make that the mixture
         * (w P_lesson + (1 - w) P_general)^lw at its dominant term, so W keeps its meaning. */
        double lw = cmd_ln_float32_r(lecture, "-lw");
        const float32 weights[2] = {(float32)pow(weight, lw), (float32)pow(1 - weight, lw)};
        /* Both models stay owned here too: they score each word on their own. */
        ngram_model_retain(d.lesson);
        ngram_model_retain(d.general);
        model = ngram_model_set_init(lecture, models, names, weights, 2);
        /* The general decoder, with its own copy of the general model (and the same settings). */
        d.gps = ps_init(config);
        if (!d.gps || ps_set_lm(d.gps, "general",
                                read_model(config, general_path, ps_get_logmath(d.gps), "general")) < 0
            || ps_set_search(d.gps, "general") < 0) {
            fprintf(stderr, "cosmo-sphinx: pocketsphinx refused the general language model\n");
            return 3;
        }
    }
    if (ps_set_lm(d.ps, "lecture", model) < 0 || ps_set_search(d.ps, "lecture") < 0) {
        fprintf(stderr, "cosmo-sphinx: pocketsphinx refused the language model\n");
        return 3;
    }
    if (cmn_csv) {
        mfcc_t mean[MAX_CMN] = {0};
        int n = parse_cmn(cmn_csv, mean);
        if (n != cmn_length(&d)) {
            fprintf(stderr, "cosmo-sphinx: --cmn needs %d numbers\n", cmn_length(&d));
            return 2;
        }
        set_cmn(&d, mean);
    }
    printf("{\"ready\":true}\n");
    fflush(stdout);

    uint8_t *frame = NULL;
    size_t frame_capacity = 0;
    for (;;) {
        uint8_t head[5];
        if (read_exact(head, 5) < 0)
            break;
        uint32_t length = head[1] | head[2] << 8 | head[3] << 16 | (uint32_t)head[4] << 24;
        if (length > frame_capacity) {
            frame_capacity = length;
            frame = realloc(frame, frame_capacity);
            if (!frame)
                return 1;
        }
        if (length && read_exact(frame, length) < 0)
            break;
        switch (head[0]) {
        case 'B': begin(&d); break;
        case 'A': audio(&d, (const int16_t *)frame, length / 2); break;
        case 'E': end(&d, 1); break;
        case 'X': end(&d, 0); break;
        case 'P': partial(&d); break;
        default:
            fprintf(stderr, "cosmo-sphinx: unknown frame %d\n", head[0]);
            return 2;
        }
    }
    return 0;
}
