/*
 * protocol/vocab.c — the words protocols are structured by: section headings ("Beslut",
 * "Förslag till beslut", ...), tjänsteskrivelse header labels ("Datum:", "Diariernr:", ...) and
 * agenda headings ("Ärendelista"). One list each, so splitting, noise removal and titles agree.
 */
#include "internal.h"

#include <string.h>

/* Section names that stand on a line of their own in protocols and tjänsteskrivelser. */
static const char *const section_names[] = {
    "Ärendebeskrivning",
    "Ärendet",
    "Sammanfattning",
    "Sammanfattning av ärendet",
    "Ärendet i korthet",
    "Bakgrund",
    "Beredning",
    "Beslut",
    "Beslutet",
    "Förslag till beslut",
    "Förslag till beslut på sammanträdet",
    "Förvaltningens förslag till beslut",
    "Arbetsutskottets förslag till beslut",
    "Beslutsunderlag",
    "Underlag",
    "Handlingar",
    "Ekonomisk bedömning",
    "Ekonomiska konsekvenser",
    "Ekonomi",
    "Finansiering",
    "Yttrande",
    "Beslutet ska skickas till",
    "Beslutet skickas till",
    "Beslut skickas till",
    "Expedieras till",
    "Expediering",
    "Nuläge",
    "Konsekvenser för verksamheten",
    "Förvaltningens bedömning",
    "Bedömning",
    "Överväganden",
    "Analys",
    "Juridisk bedömning",
    "Barnperspektiv",
    "Barnkonsekvensanalys",
    "Jämställdhetsperspektiv",
    "Miljöperspektiv",
    "Uppföljning",
    "Tidplan",
    "Syfte",
    "Yrkanden",
    "Yrkande",
    "Propositionsordning",
    "Omröstning",
    "Reservation",
    "Reservationer",
    "Protokollsanteckning",
    "Jäv",
    "Deltar ej i beslutet",
    "Bilagor",
    "Bilaga",
    "Motivering",
    "Inledning",
    "Utredning",
    "Slutsats",
    "Samråd",
    "Samverkan",
    "Risk- och konsekvensanalys",
    "Beslutsgång",
    "Förslag till beslut i korthet",
    "Ordförandens förslag",
    "Beslutsförslag",
};

/* Is s (a trailing ':' ignored) one of names, case-insensitively? */
static bool one_of(const char *s, const char *const *names, size_t nnames)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ':' || s[n - 1] == ' '))
        n--;
    for (size_t k = 0; k < nnames; k++)
        if (ps_text_ieq(s, n, names[k]))
            return true;
    return false;
}

bool ps_vocab_section(const char *s)
{
    return one_of(s, section_names, sizeof section_names / sizeof section_names[0]);
}

/* "Label: value" lines of tjänsteskrivelse headers; "Dnr" may go without the colon. */
int ps_vocab_header_label(const char *t, size_t *value)
{
    static const struct {
        const char *label;
        int kind;
    } labels[] = {
        {"Datum", PS_LABEL_DATE},          {"Handläggare", PS_LABEL_HANDL},
        {"Kontaktperson", PS_LABEL_HANDL}, {"Handläggare/kontaktperson", PS_LABEL_HANDL},
        {"Diariernr", PS_LABEL_DNR},       {"Diarienr", PS_LABEL_DNR},
        {"Diarienummer", PS_LABEL_DNR},    {"Dnr", PS_LABEL_DNR},
        {"Beteckning", PS_LABEL_DNR},      {"Vår beteckning", PS_LABEL_DNR},
        {"Ärendenummer", PS_LABEL_DNR},    {"Vårt dnr", PS_LABEL_DNR},
        {"Direktnr", PS_LABEL_OTHER},      {"Telefon", PS_LABEL_OTHER},
        {"Tel", PS_LABEL_OTHER},           {"E-post", PS_LABEL_OTHER},
        {"Epost", PS_LABEL_OTHER},         {"Mobil", PS_LABEL_OTHER},
        {"Referens", PS_LABEL_OTHER},      {"Vår referens", PS_LABEL_OTHER},
    };
    size_t n = strlen(t);
    for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++) {
        size_t l = strlen(labels[k].label);
        if (!ps_text_iprefix(t, n, labels[k].label))
            continue;
        size_t i = l;
        if (i < n && t[i] == ':')
            i++;
        else if (!(strcmp(labels[k].label, "Dnr") == 0 && i < n && (t[i] == ' ' || t[i] == '.')))
            continue;
        while (i < n && (t[i] == ' ' || t[i] == '.'))
            i++;
        *value = i;
        return labels[k].kind;
    }
    return PS_LABEL_NONE;
}

bool ps_vocab_agenda_heading(const char *t)
{
    static const char *const names[] = {"Ärendelista", "Föredragningslista", "Dagordning",
                                        "Ärenden", "Förslag till dagordning"};
    return one_of(t, names, sizeof names / sizeof names[0]);
}

bool ps_vocab_document_word(const char *t)
{
    static const char *const names[] = {"Tjänsteskrivelse", "Tjänstemannayttrande",
                                        "Yttrande",         "Protokollsutdrag",
                                        "Missiv",           "Beslutsförslag"};
    return one_of(t, names, sizeof names / sizeof names[0]);
}
