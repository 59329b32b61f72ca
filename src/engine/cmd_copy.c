/* cmd_copy.c — a command that owns what it points to. See cmd_copy.h.
 *
 * Every pointer member of th_cmd and of the structs it holds is copied here, whatever the
 * command's type (a member the type does not use is NULL, or copied for nothing). A member added
 * to th_cmd must be added here too: test_cmd_copy checks every member it knows, and fails on
 * th_cmd's size, a tripwire for one it does not. */
#include "engine/cmd_copy.h"

#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

static void *own(th_cmd_copy *c, void *p)
{
    if (c->nowned == c->capowned) {
        c->capowned = c->capowned ? 2 * c->capowned : 16;
        c->owned = th_xrealloc(c->owned, c->capowned * sizeof *c->owned);
    }
    return c->owned[c->nowned++] = p;
}

static const void *mem(th_cmd_copy *c, const void *p, size_t n)
{
    if (!p)
        return NULL;
    void *q = own(c, th_xmalloc(n ? n : 1));
    memcpy(q, p, n);
    return q;
}

static const char *text(th_cmd_copy *c, const char *s)
{
    return s ? mem(c, s, strlen(s) + 1) : NULL;
}

/* An array of n texts, each copied. */
static const char *const *texts(th_cmd_copy *c, const char *const *v, size_t n)
{
    if (!v)
        return NULL;
    const char **q = own(c, th_xmalloc((n ? n : 1) * sizeof *q));
    for (size_t i = 0; i < n; i++)
        q[i] = text(c, v[i]);
    return q;
}

static const th_report_parcel *parcels(th_cmd_copy *c, const th_report_parcel *p, size_t n)
{
    if (!p)
        return NULL;
    th_report_parcel *q = own(c, th_xmalloc((n ? n : 1) * sizeof *q));
    for (size_t i = 0; i < n; i++) {
        q[i] = p[i];
        q[i].key = p[i].key ? mem(c, p[i].key, p[i].key_len) : NULL;
    }
    return q;
}

void th_cmd_copy_make(th_cmd_copy *to, const th_cmd *from)
{
    *to = (th_cmd_copy){.cmd = *from};
    th_cmd *d = &to->cmd;
    d->request_id = text(to, from->request_id);
    d->name = text(to, from->name);
    d->kind = text(to, from->kind);

    th_project_new *p = &d->project;
    p->name = text(to, p->name);
    p->owner = text(to, p->owner);
    p->params_name = text(to, p->params_name);
    p->params_sha256 = text(to, p->params_sha256);
    p->params_csv = text(to, p->params_csv);

    th_report_new *r = &d->report;
    r->project = text(to, r->project);
    r->result_json = text(to, r->result_json);
    r->period_start = text(to, r->period_start);
    r->period_end = text(to, r->period_end);
    r->parcels = parcels(to, r->parcels, r->nparcels);

    d->report_id = text(to, from->report_id);
    d->verifier = text(to, from->verifier);
    d->reason = text(to, from->reason);

    th_move *m = &d->move;
    m->from = text(to, m->from);
    m->to = text(to, m->to);
    m->project = text(to, m->project);
    m->serials = text(to, m->serials);
    m->beneficiary = text(to, m->beneficiary);
    m->reason = text(to, m->reason);
    m->jurisdiction = text(to, m->jurisdiction);

    d->cash.account = text(to, d->cash.account);
    d->cash.reference = text(to, d->cash.reference);

    d->instrument.code = text(to, d->instrument.code);
    d->instrument.project = text(to, d->instrument.project);

    th_order_new *o = &d->order;
    o->account = text(to, o->account);
    o->instrument = text(to, o->instrument);
    o->side = text(to, o->side);
    o->type = text(to, o->type);
    o->tif = text(to, o->tif);
    d->order_id = text(to, from->order_id);

    th_share_new *s = &d->share;
    s->project = text(to, s->project);
    s->report = text(to, s->report);
    s->add_accounts = text(to, s->add_accounts);
    s->accounts = texts(to, s->accounts, s->n);
    s->weights = mem(to, s->weights, s->n * sizeof *s->weights);

    d->instrument_ref = text(to, from->instrument_ref);

    th_calendar_change *k = &d->calendar;
    k->tz = text(to, k->tz);
    k->offset = text(to, k->offset);
    k->days = text(to, k->days);
    k->pre_open = text(to, k->pre_open);
    k->open = text(to, k->open);
    k->brk = text(to, k->brk);
    k->close = text(to, k->close);
    k->add = texts(to, k->add, k->nadd);
    k->remove = texts(to, k->remove, k->nremove);

    th_auction_new *a = &d->auction;
    a->seller = text(to, a->seller);
    a->instrument = text(to, a->instrument);
    a->until = text(to, a->until);
    a->pricing = text(to, a->pricing);
    a->auction = text(to, a->auction);
    a->account = text(to, a->account);

    d->block.seller = text(to, d->block.seller);
    d->block.buyer = text(to, d->block.buyer);
    d->block.instrument = text(to, d->block.instrument);

    d->key_path = text(to, from->key_path);
    d->key = mem(to, from->key, sizeof *from->key);
    d->request_text = text(to, from->request_text);
}

void th_cmd_copy_free(th_cmd_copy *c)
{
    for (size_t i = 0; i < c->nowned; i++)
        free(c->owned[i]);
    free(c->owned);
    c->owned = NULL;
    c->nowned = c->capowned = 0;
}
