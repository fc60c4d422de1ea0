/* xap-doc.cc - documents: building one (sticky errors), adding, replacing
 * and deleting them, and reading a stored one's data and values. */
#include "xap-int.h"

using namespace xap_impl;

/* ---- documents ---------------------------------------------------------- */

namespace
{

/* Run a building step on `doc` unless an earlier one failed (sticky). */
template <class F> void doc_step(xap_doc *doc, const char *term, size_t len, F f) noexcept
{
	if (!doc || doc->st != LEC_OK)
		return;
	if (!bytes_ok(term, len)) {
		doc->st = fail(&doc->err, LEC_EINVAL, "NULL byte string with nonzero length");
		return;
	}
	doc->st = guard(&doc->err, [&]() -> lec_status {
		f(bytes(term, len));
		return LEC_OK;
	});
}

/* A failed building call is reported by the call that uses the document. */
lec_status need_doc(xap_db *db, xap_doc *doc) noexcept
{
	lec_status st = need_writable(db);

	if (st != LEC_OK)
		return st;
	if (!doc)
		return fail(&db->err, LEC_EINVAL, "NULL document");
	if (doc->st != LEC_OK) {
		set_msg(&db->err, doc->err.c_str());
		return doc->st;
	}
	return LEC_OK;
}

} // namespace

XAP_API xap_doc *xap_doc_new(void)
{
	try {
		return new xap_doc;
	} catch (...) {
		return nullptr;
	}
}

XAP_API void xap_doc_free(xap_doc *doc)
{
	delete doc;
}

XAP_API void xap_doc_clear(xap_doc *doc)
{
	if (!doc)
		return;
	doc->st = guard(&doc->err, [&]() -> lec_status {
		doc->doc = Xapian::Document();
		doc->err.clear();
		return LEC_OK;
	});
}

XAP_API lec_status xap_doc_status(const xap_doc *doc)
{
	return doc ? doc->st : LEC_EINVAL;
}

XAP_API const char *xap_doc_error(const xap_doc *doc)
{
	return doc ? doc->err.c_str() : "";
}

XAP_API void xap_doc_add_posting(xap_doc *doc, const char *term, size_t len, uint32_t pos,
				 uint32_t wdfinc)
{
	doc_step(doc, term, len,
		 [&](const std::string &t) { doc->doc.add_posting(t, pos, wdfinc); });
}

XAP_API void xap_doc_add_term(xap_doc *doc, const char *term, size_t len, uint32_t wdfinc)
{
	doc_step(doc, term, len, [&](const std::string &t) { doc->doc.add_term(t, wdfinc); });
}

XAP_API void xap_doc_add_boolean_term(xap_doc *doc, const char *term, size_t len)
{
	doc_step(doc, term, len, [&](const std::string &t) { doc->doc.add_boolean_term(t); });
}

XAP_API void xap_doc_set_value(xap_doc *doc, unsigned slot, const char *val, size_t len)
{
	doc_step(doc, val, len, [&](const std::string &v) { doc->doc.add_value(slot, v); });
}

XAP_API void xap_doc_set_data(xap_doc *doc, const char *data, size_t len)
{
	doc_step(doc, data, len, [&](const std::string &d) { doc->doc.set_data(d); });
}

/* `out_docid` may be NULL when the caller does not need the docid. */
XAP_API lec_status xap_db_add_document(xap_db *db, xap_doc *doc, xap_docid *out_docid)
{
	lec_status st = need_doc(db, doc);

	if (st != LEC_OK)
		return st;
	return guard(&db->err, [&]() -> lec_status {
		xap_docid id = wdb(db).add_document(doc->doc);
		if (out_docid)
			*out_docid = id;
		return LEC_OK;
	});
}

XAP_API lec_status xap_db_replace_document(xap_db *db, xap_docid docid, xap_doc *doc)
{
	lec_status st = need_doc(db, doc);

	if (st != LEC_OK)
		return st;
	return guard(&db->err, [&]() -> lec_status {
		wdb(db).replace_document(docid, doc->doc);
		return LEC_OK;
	});
}

/* `out_docid` may be NULL. An empty unique term is refused: Xapian would
 * take it as "every document". */
XAP_API lec_status xap_db_replace_document_by_term(xap_db *db, const char *unique_term, size_t len,
						   xap_doc *doc, xap_docid *out_docid)
{
	lec_status st = need_doc(db, doc);

	if (st != LEC_OK)
		return st;
	if (!unique_term || len == 0)
		return fail(&db->err, LEC_EINVAL, "xap_db_replace_document_by_term: empty term");
	return guard(&db->err, [&]() -> lec_status {
		xap_docid id = wdb(db).replace_document(std::string(unique_term, len), doc->doc);
		if (out_docid)
			*out_docid = id;
		return LEC_OK;
	});
}

XAP_API lec_status xap_db_delete_document(xap_db *db, xap_docid docid)
{
	return on_writer(db, [&](Xapian::WritableDatabase &w) { w.delete_document(docid); });
}

/* An empty term is refused for the same reason as above. */
XAP_API lec_status xap_db_delete_documents_by_term(xap_db *db, const char *term, size_t len)
{
	lec_status st = need_writable(db);

	if (st != LEC_OK)
		return st;
	if (!term || len == 0)
		return fail(&db->err, LEC_EINVAL, "xap_db_delete_documents_by_term: empty term");
	return on_writer(db, [&](Xapian::WritableDatabase &w) {
		w.delete_document(std::string(term, len));
	});
}

/* `len` may be NULL. */
XAP_API lec_status xap_db_document_data(xap_db *db, xap_docid docid, char **out, size_t *len)
{
	return on_string(db, out, len, "xap_db_document_data: NULL argument",
			 [&] { return read_doc(db, docid).get_data(); });
}

/* `len` may be NULL. */
XAP_API lec_status xap_db_document_value(xap_db *db, xap_docid docid, unsigned slot, char **out,
					 size_t *len)
{
	return on_string(db, out, len, "xap_db_document_value: NULL argument",
			 [&] { return read_value(db, docid, slot); });
}

XAP_API lec_status xap_db_read_values_ahead(xap_db *db, const struct xap_value_key *keys, size_t n)
{
	lec_status st =
		need_out(db, n ? (const void *)keys : db, "xap_db_read_values_ahead: NULL keys");
	for (size_t i = 1; !st && i < n; i++)
		if (keys[i].slot < keys[i - 1].slot ||
		    (keys[i].slot == keys[i - 1].slot && keys[i].docid <= keys[i - 1].docid))
			st = fail(&db->err, LEC_EINVAL,
				  "xap_db_read_values_ahead: keys out of order");
	if (st || db->writable)
		return st;
	return guard(&db->err, [&]() -> lec_status {
		read_values_ahead(db, keys, n);
		return LEC_OK;
	});
}
