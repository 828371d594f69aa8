/* web_api_alerts.c - /api/alerts: the alerts firing now (the scorer's score store), most
 * severe first, of the counties the account may see. */
#include "i18n.h"
#include "log.h"
#include "web_json.h"

int web_api_alerts(web_t *w, const web_request_t *rq, web_reply_t *rp) {
    const master_t *m = web_data_master(w->data);
    char err[1024];
    alert_list_t l = {0};
    size_t n = 0;
    sstore_t *ss = web_data_sstore(w->data, err, sizeof err);
    if (!ss || sstore_alerts_firing(ss, -1, 0, &l) < 0) {
        if (!ss) log_error(_("web: %s"), err);
        sstore_close(&ss);
        alert_list_clear(&l);
        web_reply_error(rp, 500, _("the score store cannot be read"));
        return 0;
    }
    sstore_close(&ss);
    web_json_sort_alerts(&l);
    web_json_begin(rp);
    strbuf_puts(&rp->body, "{\"alerts\":[");
    for (size_t i = 0; i < l.n; i++) {
        if (!web_may_see_county(rq->user, l.items[i].county)) continue;
        if (n++) strbuf_puts(&rp->body, ",");
        web_json_alert(&rp->body, m, &l.items[i], NULL);
    }
    strbuf_puts(&rp->body, "]}");
    alert_list_clear(&l);
    return 0;
}
