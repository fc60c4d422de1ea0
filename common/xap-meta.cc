/* xap-meta.cc - a database's metadata (of its first database, or of every
 * one combined) and its spelling data. */
#include "xap-int.h"

using namespace xap_impl;

/* ---- metadata ----------------------------------------------------------- */

XAP_API lec_status xap_db_set_metadata(xap_db *db, const char *key, size_t klen, const char *val,
				       size_t vlen)
{
	lec_status st = need_writable(db);

	if (st != LEC_OK)
		return st;
	if (!bytes_ok(key, klen) || !bytes_ok(val, vlen))
		return fail(&db->err, LEC_EINVAL, "xap_db_set_metadata: NULL argument");
	return on_writer(db, [&](Xapian::WritableDatabase &w) {
		w.set_metadata(bytes(key, klen), bytes(val, vlen));
	});
}

/* `len` may be NULL. */
XAP_API lec_status xap_db_get_metadata(xap_db *db, const char *key, size_t klen, char **out,
				       size_t *len)
{
	const char *what = "xap_db_get_metadata: NULL argument";
	lec_status st = need_term(db, key, klen, out, what);

	if (st != LEC_OK)
		return st;
	return on_string(db, out, len, what,
			 [&] { return db->db->get_metadata(bytes(key, klen)); });
}

XAP_API lec_status xap_db_metadata_each(xap_db *db, const char *prefix, size_t plen, xap_kv_cb cb,
					void *ctx)
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	if (!cb || !bytes_ok(prefix, plen))
		return fail(&db->err, LEC_EINVAL, "xap_db_metadata_each: NULL argument");
	return guard(&db->err, [&]() -> lec_status {
		std::string pfx = bytes(prefix, plen);
		Xapian::TermIterator end = db->db->metadata_keys_end(pfx);

		for (Xapian::TermIterator it = db->db->metadata_keys_begin(pfx); it != end; ++it) {
			const std::string key = *it;
			const std::string val = db->db->get_metadata(key);
			if (cb(ctx, key.data(), key.size(), val.data(), val.size()))
				return LEC_ESTOP;
		}
		return LEC_OK;
	});
}

/* ---- spelling ----------------------------------------------------------- */

XAP_API lec_status xap_db_add_spelling(xap_db *db, const char *word, size_t len, uint32_t freqinc)
{
	lec_status st = need_writable(db);

	if (st != LEC_OK)
		return st;
	if (!bytes_ok(word, len))
		return fail(&db->err, LEC_EINVAL, "xap_db_add_spelling: NULL word");
	return on_writer(db, [&](Xapian::WritableDatabase &w) {
		w.add_spelling(bytes(word, len), freqinc);
	});
}

XAP_API lec_status xap_db_spelling_suggest(xap_db *db, const char *word, size_t len,
					   unsigned max_edit_distance, char **out)
{
	const char *what = "xap_db_spelling_suggest: NULL argument";
	lec_status st = need_term(db, word, len, out, what);

	if (st != LEC_OK)
		return st;
	return on_string(db, out, nullptr, what, [&] {
		return db->db->get_spelling_suggestion(bytes(word, len), max_edit_distance);
	});
}

/* ---- metadata of every database ----------------------------------------- */

XAP_API lec_status xap_db_metadata_parts(xap_db *db, const char *key, size_t klen, xap_kv_cb cb,
					 void *ctx)
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	if (!cb || !key || !klen)
		return fail(&db->err, LEC_EINVAL, "xap_db_metadata_parts: NULL argument");
	return guard(&db->err, [&]() -> lec_status {
		const std::string k = bytes(key, klen);
		auto visit = [&](const Xapian::Database &one) {
			const std::string val = one.get_metadata(k);
			return !val.empty() && cb(ctx, k.data(), k.size(), val.data(), val.size());
		};
		if (db->parts.empty())
			return visit(*db->db) ? LEC_ESTOP : LEC_OK;
		for (const Xapian::Database &one : db->parts)
			if (visit(one))
				return LEC_ESTOP;
		return LEC_OK;
	});
}
