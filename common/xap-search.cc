/* xap-search.cc - running a query (Enquire with lectern's weighting) and
 * reading the match set it gives. */
#include "xap-int.h"

using namespace xap_impl;

/* ---- searching ---------------------------------------------------------- */

XAP_API void xap_search_opts_init(struct xap_search_opts *o)
{
	if (!o)
		return;
	std::memset(o, 0, sizeof(*o));
	o->limit = 10;
	o->collapse_slot = -1;
}

namespace
{

/* Xapian silently clamps bad BM25 parameters; refuse them instead. */
void check_bm25(const struct xap_search_opts &o)
{
	const double p[] = { o.bm25_k1, o.bm25_k2, o.bm25_k3, o.bm25_b, o.bm25_min_normlen };

	for (double v : p)
		if (!std::isfinite(v) || v < 0)
			throw Xapian::InvalidArgumentError(
				"BM25 parameters must be finite and >= 0");
	if (o.bm25_b > 1)
		throw Xapian::InvalidArgumentError("BM25 parameter b must be <= 1");
}

/* BM25 with the caller's parameters if any is set (all five are then
 * taken as given), else Xapian's defaults. */
void set_weighting(Xapian::Enquire &enq, const struct xap_search_opts &o)
{
	if (o.sort_by_docid) {
		enq.set_weighting_scheme(Xapian::BoolWeight());
		enq.set_docid_order(Xapian::Enquire::ASCENDING);
		enq.set_sort_by_relevance();
		return;
	}
	check_bm25(o);
	if (o.bm25_k1 != 0 || o.bm25_k2 != 0 || o.bm25_k3 != 0 || o.bm25_b != 0 ||
	    o.bm25_min_normlen != 0)
		enq.set_weighting_scheme(Xapian::BM25Weight(o.bm25_k1, o.bm25_k2, o.bm25_k3,
							    o.bm25_b, o.bm25_min_normlen));
	else
		enq.set_weighting_scheme(Xapian::BM25Weight());
}

} // namespace

/* `o` may be NULL for the defaults. */
XAP_API lec_status xap_db_search(xap_db *db, const xap_query *q, const struct xap_search_opts *o,
				 xap_mset **out)
{
	lec_status st = need_out(db, out, "xap_db_search: NULL argument");

	if (st != LEC_OK)
		return st;
	if (!q)
		return fail(&db->err, LEC_EINVAL, "xap_db_search: NULL query");
	*out = nullptr;
	struct xap_search_opts defaults;
	if (!o) {
		xap_search_opts_init(&defaults);
		o = &defaults;
	}
	return guard(&db->err, [&]() -> lec_status {
		Xapian::Enquire enq(*db->db);

		enq.set_query(q->q);
		set_weighting(enq, *o);
		if (o->collapse_slot >= 0)
			enq.set_collapse_key(static_cast<Xapian::valueno>(o->collapse_slot));
		xap_mset *m = new xap_mset{ enq.get_mset(o->offset, o->limit, o->check_at_least) };
		*out = m;
		return LEC_OK;
	});
}

XAP_API uint32_t xap_mset_size(const xap_mset *m)
{
	return m ? m->mset.size() : 0;
}

XAP_API uint32_t xap_mset_estimated(const xap_mset *m)
{
	return m ? m->mset.get_matches_estimated() : 0;
}

XAP_API uint32_t xap_mset_lower_bound(const xap_mset *m)
{
	return m ? m->mset.get_matches_lower_bound() : 0;
}

XAP_API uint32_t xap_mset_upper_bound(const xap_mset *m)
{
	return m ? m->mset.get_matches_upper_bound() : 0;
}

namespace
{

/* Result i, or `dflt` when out of range. MSet items live in memory, but the
 * iterator calls are not declared nothrow, so guard them anyway. */
template <class T, class F> T mset_item(const xap_mset *m, uint32_t i, T dflt, F f) noexcept
{
	if (!m || i >= m->mset.size())
		return dflt;
	try {
		return f(m->mset[i]);
	} catch (...) {
		return dflt;
	}
}

} // namespace

XAP_API xap_docid xap_mset_docid(const xap_mset *m, uint32_t i)
{
	return mset_item(m, i, xap_docid(0), [](const Xapian::MSetIterator &it) { return *it; });
}

XAP_API double xap_mset_weight(const xap_mset *m, uint32_t i)
{
	return mset_item(m, i, 0.0, [](const Xapian::MSetIterator &it) { return it.get_weight(); });
}

XAP_API int xap_mset_percent(const xap_mset *m, uint32_t i)
{
	return mset_item(m, i, 0, [](const Xapian::MSetIterator &it) { return it.get_percent(); });
}

XAP_API uint32_t xap_mset_collapse_count(const xap_mset *m, uint32_t i)
{
	return mset_item(m, i, uint32_t(0),
			 [](const Xapian::MSetIterator &it) { return it.get_collapse_count(); });
}

/* May fail with LEC_EMODIFIED when the database moved on under a reader.
 * There is no message: an MSet has no error accessor. `len` may be NULL. */
XAP_API lec_status xap_mset_data(xap_mset *m, uint32_t i, char **out, size_t *len)
{
	if (!m || !out)
		return LEC_EINVAL;
	*out = nullptr;
	if (i >= m->mset.size())
		return LEC_EINVAL;
	return guard(nullptr, [&]() -> lec_status {
		return dup_out(nullptr, m->mset[i].get_document().get_data(), out, len);
	});
}

XAP_API void xap_mset_free(xap_mset *m)
{
	delete m;
}
