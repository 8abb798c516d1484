/* tenet_detect_format: the format detection of tenet_check() on its own, so
 * that callers walking a directory can keep the files a frontend recognises
 * without checking (and reporting on) everything else. */
#include "frontend/frontend.h"
#include "util/alloc.h"

#include <string.h>

int tenet_detect_format(const char *data, size_t len, const char **format_out) {
    if (format_out)
        *format_out = NULL;
    if (!format_out || (!data && len))
        return TENET_EINVAL;
    const char *text = NULL;
    size_t tlen = 0;
    char *owned = NULL;
    tenet_error err;
    memset(&err, 0, sizeof err);
    int rc = tn_doc_decode_text(data ? data : "", len, &text, &tlen, &owned, "<input>", &err);
    if (rc != TENET_OK)
        return rc == TENET_ENOMEM ? rc : TENET_EFORMAT;
    tn_doc_limits lim = {0, 0, 0, 0}; /* the defaults, as tenet_check's */
    tn_doc *doc = NULL;
    rc = tn_doc_parse(&doc, text, tlen, "<input>", &lim, &err);
    if (rc == TENET_ENOMEM) {
        tn_free(owned);
        return rc;
    }
    if (rc != TENET_OK)
        doc = NULL;
    /* As tenet_check: a document format needs the document to have parsed. */
    const tn_frontend *fe = tn_frontend_detect(text, tlen, doc);
    if (fe && fe->needs_doc && !doc)
        fe = NULL;
    tn_doc_free(doc);
    tn_free(owned);
    if (!fe)
        return TENET_EFORMAT;
    *format_out = fe->name;
    return TENET_OK;
}
