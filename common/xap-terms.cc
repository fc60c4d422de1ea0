/* xap-terms.cc - the terms of a database and of one document: listing them,
 * their positions and their postings. */
#include "xap-int.h"

using namespace xap_impl;

XAP_API lec_status xap_db_allterms(xap_db *db, const char *prefix, size_t plen, xap_term_cb cb,
				   void *ctx)
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	if (!cb || !bytes_ok(prefix, plen))
		return fail(&db->err, LEC_EINVAL, "xap_db_allterms: NULL argument");
	return guard(&db->err, [&]() -> lec_status {
		std::string pfx = bytes(prefix, plen);
		Xapian::TermIterator end = db->db->allterms_end(pfx);

		for (Xapian::TermIterator it = db->db->allterms_begin(pfx); it != end; ++it) {
			const std::string term = *it;
			if (cb(ctx, term.data(), term.size(), it.get_termfreq()))
				return LEC_ESTOP;
		}
		return LEC_OK;
	});
}

XAP_API lec_status xap_db_positions(xap_db *db, xap_docid docid, const char *term, size_t len,
				    uint32_t **out, size_t *n)
{
	lec_status st = need_term(db, term, len, out, "xap_db_positions: NULL argument");

	if (st != LEC_OK)
		return st;
	if (!n)
		return fail(&db->err, LEC_EINVAL, "xap_db_positions: NULL argument");
	*out = nullptr;
	*n = 0;
	return guard(&db->err, [&]() -> lec_status {
		return vec_out(db, read_positions(db, docid, bytes(term, len)), out, n);
	});
}

XAP_API lec_status xap_db_postings(xap_db *db, const char *term, size_t len, xap_docid **out,
				   size_t *n)
{
	lec_status st = need_term(db, term, len, out, "xap_db_postings: NULL argument");

	if (st != LEC_OK)
		return st;
	if (!n)
		return fail(&db->err, LEC_EINVAL, "xap_db_postings: NULL argument");
	*out = nullptr;
	*n = 0;
	return guard(&db->err, [&]() -> lec_status {
		const std::string t = bytes(term, len);
		Xapian::PostingIterator end = db->db->postlist_end(t);
		std::vector<xap_docid> v;

		for (Xapian::PostingIterator it = db->db->postlist_begin(t); it != end; ++it)
			v.push_back(*it);
		return vec_out(db, v, out, n);
	});
}

/* ---- the terms of one document ------------------------------------------ */

XAP_API lec_status xap_db_doc_terms(xap_db *db, xap_docid docid, const char *prefix, size_t plen,
				    xap_term_cb cb, void *ctx)
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	if (!cb || !bytes_ok(prefix, plen))
		return fail(&db->err, LEC_EINVAL, "xap_db_doc_terms: NULL argument");
	return guard(&db->err, [&]() -> lec_status {
		const std::string pfx = bytes(prefix, plen);
		Xapian::TermIterator end = db->db->termlist_end(docid);
		Xapian::TermIterator it = db->db->termlist_begin(docid);

		for (it.skip_to(pfx); it != end; ++it) {
			const std::string t = *it;
			if (t.compare(0, pfx.size(), pfx) != 0)
				break;
			if (cb(ctx, t.data(), t.size(), it.get_wdf()))
				return LEC_ESTOP;
		}
		return LEC_OK;
	});
}
