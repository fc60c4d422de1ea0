/* xap.cc - the Xapian boundary's one rule: every exception becomes a
 * lec_status and a message (translate()), and the checks and copies every
 * call of xap.h shares (xap-int.h). The calls themselves are in xap-*.cc:
 * databases (xap-db.cc), their check (xap-check.cc), documents
 * (xap-doc.cc), terms and postings (xap-terms.cc), metadata and spelling
 * (xap-meta.cc), queries (xap-query.cc), searching (xap-search.cc). */
#include "xap-int.h"

using namespace xap_impl;

namespace xap_impl
{

/* Store `m` as the message; a failed allocation leaves the message empty
 * rather than throwing out of a catch block. */
void set_msg(std::string *msg, const char *m) noexcept
{
	if (!msg)
		return;
	try {
		*msg = m;
	} catch (...) {
		msg->clear();
	}
}

void set_xapian_msg(std::string *msg, const Xapian::Error &e) noexcept
{
	if (!msg)
		return;
	try {
		*msg = e.get_description();
	} catch (...) {
		msg->clear();
	}
}

/* DatabaseOpeningError carries errno only as text: ENOENT means the path
 * is missing, anything else is an I/O failure. */
lec_status opening_status(const Xapian::DatabaseOpeningError &e) noexcept
{
	const char *es = e.get_error_string();

	if (es && std::strcmp(es, std::strerror(ENOENT)) == 0)
		return LEC_ENOTFOUND;
	return LEC_EIO;
}

/* Call only inside a catch block: rethrows the current exception and maps
 * it to a status. Subclasses are caught before their bases. */
lec_status translate(std::string *msg) noexcept
{
	try {
		throw;
	} catch (const Xapian::DatabaseModifiedError &e) {
		set_xapian_msg(msg, e);
		return LEC_EMODIFIED;
	} catch (const Xapian::DatabaseLockError &e) {
		set_xapian_msg(msg, e);
		return LEC_ELOCKED;
	} catch (const Xapian::DatabaseNotFoundError &e) {
		set_xapian_msg(msg, e);
		return LEC_ENOTFOUND;
	} catch (const Xapian::DatabaseVersionError &e) {
		set_xapian_msg(msg, e);
		return LEC_EVERSION;
	} catch (const Xapian::DatabaseOpeningError &e) {
		set_xapian_msg(msg, e);
		return opening_status(e);
	} catch (const Xapian::DatabaseCreateError &e) {
		set_xapian_msg(msg, e);
		return LEC_EIO;
	} catch (const Xapian::DatabaseCorruptError &e) {
		set_xapian_msg(msg, e);
		return LEC_ECORRUPT;
	} catch (const Xapian::DatabaseClosedError &e) {
		set_xapian_msg(msg, e);
		return LEC_EINVAL;
	} catch (const Xapian::DatabaseError &e) {
		/* what is left of DatabaseError: a table that cannot be read as
		 * a B-tree ("EOF reading block 4"), i.e. damage */
		set_xapian_msg(msg, e);
		return LEC_ECORRUPT;
	} catch (const Xapian::DocNotFoundError &e) {
		set_xapian_msg(msg, e);
		return LEC_ENOTFOUND;
	} catch (const Xapian::InvalidArgumentError &e) {
		set_xapian_msg(msg, e);
		return LEC_EINVAL;
	} catch (const Xapian::InvalidOperationError &e) {
		set_xapian_msg(msg, e);
		return LEC_EINVAL;
	} catch (const Xapian::NetworkError &e) {
		set_xapian_msg(msg, e);
		return LEC_ENETWORK;
	} catch (const Xapian::UnimplementedError &e) {
		set_xapian_msg(msg, e);
		return LEC_EUNIMPL;
	} catch (const Xapian::FeatureUnavailableError &e) {
		set_xapian_msg(msg, e);
		return LEC_EUNIMPL;
	} catch (const Xapian::Error &e) {
		set_xapian_msg(msg, e);
		return LEC_EXAPIAN;
	} catch (const std::bad_alloc &) {
		set_msg(msg, "out of memory");
		return LEC_ENOMEM;
	} catch (const std::exception &e) {
		set_msg(msg, e.what());
		return LEC_EINTERNAL;
	} catch (...) {
		set_msg(msg, "unknown C++ exception");
		return LEC_EINTERNAL;
	}
}

lec_status fail(std::string *msg, lec_status st, const char *m) noexcept
{
	set_msg(msg, m);
	return st;
}

/* A byte string argument: NULL is allowed only with length 0. */
bool bytes_ok(const char *p, size_t len) noexcept
{
	return p || len == 0;
}

std::string bytes(const char *p, size_t len)
{
	return len ? std::string(p, len) : std::string();
}

/* Common checks of a database call; NULL db cannot hold a message. */
lec_status need_open(xap_db *db) noexcept
{
	if (!db)
		return LEC_EINVAL;
	if (!db->db)
		return fail(&db->err, LEC_EINVAL, "database is not open");
	return LEC_OK;
}

lec_status need_writable(xap_db *db) noexcept
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	if (!db->writable)
		return fail(&db->err, LEC_EINVAL, "database is open read-only");
	return LEC_OK;
}

Xapian::WritableDatabase &wdb(xap_db *db)
{
	return *static_cast<Xapian::WritableDatabase *>(db->db);
}

/* Copy `s` into a malloc'd NUL-terminated buffer; `len` may be NULL. */
lec_status dup_out(xap_db *db, const std::string &s, char **out, size_t *len) noexcept
{
	char *p = static_cast<char *>(std::malloc(s.size() + 1));

	if (!p)
		return fail(db ? &db->err : nullptr, LEC_ENOMEM, "out of memory");
	std::memcpy(p, s.data(), s.size());
	p[s.size()] = '\0';
	*out = p;
	if (len)
		*len = s.size();
	return LEC_OK;
}

/* need_open plus a non-NULL out-parameter; `what` is the message. */
lec_status need_out(xap_db *db, const void *out, const char *what) noexcept
{
	lec_status st = need_open(db);

	if (st != LEC_OK)
		return st;
	if (!out)
		return fail(&db->err, LEC_EINVAL, what);
	return LEC_OK;
}

/* need_out plus a byte string argument. */
lec_status need_term(xap_db *db, const char *term, size_t len, const void *out,
		     const char *what) noexcept
{
	lec_status st = need_out(db, out, what);

	if (st != LEC_OK)
		return st;
	if (!bytes_ok(term, len))
		return fail(&db->err, LEC_EINVAL, what);
	return LEC_OK;
}

/* The handle's caches of documents and values read (xap_db::doc, values). */
void forget_docs(xap_db *db) noexcept
{
	for (unsigned i = 0; i < xap_db::DOC_CACHE; i++) {
		db->doc[i] = db->blank;
		db->doc_id[i] = 0;
	}
	db->values.clear();
	db->values_bytes = 0;
	db->positions.clear();
	db->positions_bytes = 0;
}

/* Document `docid`, from the handle's cache when it can be (a writable
 * handle's documents change under it: never cached). */
const Xapian::Document &read_doc(xap_db *db, Xapian::docid docid)
{
	unsigned slot = 0;
	if (!db->writable)
		for (unsigned i = 0; i < xap_db::DOC_CACHE; i++)
			if (db->doc_id[i] == docid)
				return db->doc[i];
	if (!db->writable) {
		slot = db->doc_next;
		db->doc_next = (db->doc_next + 1) % xap_db::DOC_CACHE;
	}
	db->doc_id[slot] = 0;
	db->doc[slot] = db->db->get_document(docid);
	db->doc_id[slot] = db->writable ? 0 : docid;
	return db->doc[slot];
}

/* What a kept entry costs beyond its bytes: the node, the key, the string. */
constexpr size_t ENTRY_BYTES = 96;

namespace
{

/* A read-only handle's cache of what it read (xap_db::values, positions):
 * `read` makes the entry for `key` when it is not kept. An entry larger
 * than a sixteenth of `budget` is not kept (one must not empty the cache
 * for the others); past `budget` bytes the cache is emptied; an entry that
 * cannot be kept (no memory) is read again next time. */
template <class K, class V, class F>
V cached(std::unordered_map<K, V> &map, size_t &bytes, size_t budget, K key, size_t key_bytes,
	 size_t (*size_of)(const V &), F read)
{
	auto it = map.find(key);
	if (it != map.end())
		return it->second;
	V v = read();
	const size_t cost = size_of(v) + key_bytes + ENTRY_BYTES;
	if (cost > budget / 16)
		return v;
	if (bytes + cost > budget) {
		map.clear();
		bytes = 0;
	}
	try {
		map.emplace(std::move(key), v);
		bytes += cost;
	} catch (...) {
	}
	return v;
}

/* The value cache's key of slot `slot` of document `did`. */
uint64_t value_key(Xapian::docid did, Xapian::valueno slot)
{
	return (uint64_t)did << 32 | slot;
}

size_t string_bytes(const std::string &v)
{
	return v.size();
}

size_t positions_bytes(const std::vector<uint32_t> &v)
{
	return v.size() * sizeof(uint32_t);
}

} // namespace

/* Value `slot` of document `docid`, from the handle's cache when it can be
 * (a writable handle's values change under it: never cached). */
std::string read_value(xap_db *db, Xapian::docid docid, Xapian::valueno slot)
{
	auto read = [&] { return read_doc(db, docid).get_value(slot); };
	if (db->writable)
		return read();
	return cached(db->values, db->values_bytes, LEC_XAP_VALUE_CACHE_BYTES,
		      value_key(docid, slot), 0, string_bytes, read);
}

namespace
{

/* The values of keys[0..n) (one slot, docids ascending) that the cache has
 * not, through one pass of the slot's value stream. */
void stream_slot(xap_db *db, const xap_value_key *keys, size_t n)
{
	const Xapian::valueno slot = keys[0].slot;
	Xapian::ValueIterator it = db->db->valuestream_begin(slot);
	const Xapian::ValueIterator end = db->db->valuestream_end(slot);
	for (size_t i = 0; i < n && it != end; i++) {
		const Xapian::docid did = keys[i].docid;
		if (db->values.count(value_key(did, slot)))
			continue;
		if (it.get_docid() < did)
			it.skip_to(did);
		if (it == end || it.get_docid() != did)
			continue;
		std::string v = *it;
		cached(db->values, db->values_bytes, LEC_XAP_VALUE_CACHE_BYTES,
		       value_key(did, slot), 0, string_bytes, [&] { return std::move(v); });
	}
}

} // namespace

/* keys[0..n) into the value cache (xap_db_read_values_ahead): a slot's
 * through its value stream when it has at least READ_AHEAD_MIN values the
 * cache has not; fewer are left to their own reads, a lookup each, which
 * costs no more than the stream's start. A document without the value is
 * not kept: its own read says what it has. */
void read_values_ahead(xap_db *db, const xap_value_key *keys, size_t n)
{
	constexpr size_t READ_AHEAD_MIN = 3;
	for (size_t i = 0, j; i < n; i = j) {
		size_t missing = 0;
		for (j = i; j < n && keys[j].slot == keys[i].slot; j++)
			missing += !db->values.count(value_key(keys[j].docid, keys[j].slot));
		if (missing >= READ_AHEAD_MIN)
			stream_slot(db, keys + i, j - i);
	}
}

/* The positions of `term` in document `docid`, from the handle's cache when
 * it can be (as read_value). */
std::vector<uint32_t> read_positions(xap_db *db, Xapian::docid docid, const std::string &term)
{
	auto read = [&] {
		std::vector<uint32_t> v;
		Xapian::PositionIterator end = db->db->positionlist_end(docid, term);
		for (Xapian::PositionIterator it = db->db->positionlist_begin(docid, term);
		     it != end; ++it)
			v.push_back(*it);
		return v;
	};
	if (db->writable)
		return read();
	std::string key(reinterpret_cast<const char *>(&docid), sizeof(docid));
	key += term;
	const size_t key_bytes = key.size();
	return cached(db->positions, db->positions_bytes, LEC_XAP_POSITION_CACHE_BYTES,
		      std::move(key), key_bytes, positions_bytes, read);
}

} // namespace xap_impl
