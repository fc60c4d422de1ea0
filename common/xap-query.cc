/* xap-query.cc - building queries: terms, combinations, phrases, wildcards
 * (expanded against a database), value ranges, scaling. */
#include "xap-int.h"

using namespace xap_impl;

/* ---- queries ------------------------------------------------------------ */

namespace
{

/* The query twin of guard(): honour and set the sticky *rc. Queries have
 * no handle to keep a message on, so only the status survives. */
template <class F> xap_query *qguard(lec_status *rc, F f) noexcept
{
	if (!rc || *rc != LEC_OK)
		return nullptr;
	try {
		Xapian::Query q = f();
		return new xap_query{ q };
	} catch (...) {
		*rc = translate(nullptr);
		return nullptr;
	}
}

/* Thrown inside a qguard body for a bad argument: becomes LEC_EINVAL. */
[[noreturn]] void bad_arg(const char *m)
{
	throw Xapian::InvalidArgumentError(m);
}

bool op_of(const enum xap_op &op, Xapian::Query::op *out) noexcept
{
	switch (enum_bits(op)) {
	case XAP_OP_AND:
		*out = Xapian::Query::OP_AND;
		return true;
	case XAP_OP_OR:
		*out = Xapian::Query::OP_OR;
		return true;
	case XAP_OP_AND_NOT:
		*out = Xapian::Query::OP_AND_NOT;
		return true;
	case XAP_OP_AND_MAYBE:
		*out = Xapian::Query::OP_AND_MAYBE;
		return true;
	case XAP_OP_FILTER:
		*out = Xapian::Query::OP_FILTER;
		return true;
	case XAP_OP_XOR:
		*out = Xapian::Query::OP_XOR;
		return true;
	case XAP_OP_SYNONYM:
		*out = Xapian::Query::OP_SYNONYM;
		return true;
	case XAP_OP_MAX:
		*out = Xapian::Query::OP_MAX;
		return true;
	}
	return false;
}

/* Phrase and near: leaf terms, in order, within `window`. */
Xapian::Query positional(Xapian::Query::op op, const char *const *terms, const size_t *lens,
			 size_t n, uint32_t window)
{
	if (n && (!terms || !lens))
		bad_arg("NULL term array");
	std::vector<Xapian::Query> v;
	v.reserve(n);
	for (size_t i = 0; i < n; i++) {
		if (!terms[i] || lens[i] == 0)
			bad_arg("empty term in a phrase");
		v.emplace_back(std::string(terms[i], lens[i]));
	}
	return Xapian::Query(op, v.begin(), v.end(), window);
}

} // namespace

XAP_API void xap_query_free(xap_query *q)
{
	delete q;
}

/* An empty term is refused: Xapian reads Query("") as match-all. */
XAP_API xap_query *xap_query_term(lec_status *rc, const char *term, size_t len, uint32_t wqf)
{
	return qguard(rc, [&]() {
		if (!term || len == 0)
			bad_arg("xap_query_term: empty term");
		return Xapian::Query(std::string(term, len), wqf);
	});
}

XAP_API xap_query *xap_query_match_all(lec_status *rc)
{
	return qguard(rc, [&]() { return Xapian::Query::MatchAll; });
}

XAP_API xap_query *xap_query_match_nothing(lec_status *rc)
{
	return qguard(rc, [&]() { return Xapian::Query::MatchNothing; });
}

XAP_API xap_query *xap_query_combine(lec_status *rc, enum xap_op op, xap_query *const *subs,
				     size_t n)
{
	return qguard(rc, [&]() {
		Xapian::Query::op xop;

		if (!op_of(op, &xop))
			bad_arg("xap_query_combine: bad operator");
		if (n && !subs)
			bad_arg("xap_query_combine: NULL subquery array");
		std::vector<Xapian::Query> v;
		v.reserve(n);
		for (size_t i = 0; i < n; i++) {
			if (!subs[i])
				bad_arg("xap_query_combine: NULL subquery");
			v.push_back(subs[i]->q);
		}
		return Xapian::Query(xop, v.begin(), v.end());
	});
}

XAP_API xap_query *xap_query_phrase(lec_status *rc, const char *const *terms, const size_t *lens,
				    size_t n, uint32_t window)
{
	return qguard(
		rc, [&]() { return positional(Xapian::Query::OP_PHRASE, terms, lens, n, window); });
}

XAP_API xap_query *xap_query_near(lec_status *rc, const char *const *terms, const size_t *lens,
				  size_t n, uint32_t window)
{
	return qguard(rc,
		      [&]() { return positional(Xapian::Query::OP_NEAR, terms, lens, n, window); });
}

namespace
{

/* The synonym of `terms` ((termfreq, term) pairs, sorted by term), built as
 * a tree of two-way OP_SYNONYMs rather than one flat OP_SYNONYM.
 *
 * Why: Xapian 1.4 weighs a synonym by an estimate of its term frequency,
 * combined pairwise up the OR tree it builds for it, rounding to a whole
 * count at each step. It shapes that tree by each sub-database's own term
 * frequencies, so the same flat synonym can get a different estimate in
 * each shard, and a document's weight then depends on which shard holds
 * it (`insta*` scored 1.0897 on 4 shards of corpus/ and 0.9919 on one
 * index). A two-way node has only one shape, and an inner synonym under
 * an outer one is searched as a plain OR of its two sides, so fixing the
 * tree here fixes the estimate: every shard, and a single index, compute
 * the same numbers. The tree is built like a Huffman code on the combined
 * term frequencies (the two least frequent first, ties by term), which is
 * also the shape Xapian would pick on one database, so the OR is as cheap
 * to walk as before. */
Xapian::Query synonym_tree(const std::vector<std::pair<Xapian::doccount, std::string>> &terms)
{
	struct node {
		uint64_t freq;
		size_t order; /* leaves in term order, then merges in turn */
		Xapian::Query q;
	};
	auto later = [](const node &a, const node &b) {
		return a.freq != b.freq ? a.freq > b.freq : a.order > b.order;
	};
	std::vector<node> heap;
	heap.reserve(terms.size());
	size_t order = 0;
	for (const auto &t : terms)
		heap.push_back(node{ t.first, order++, Xapian::Query(t.second) });
	std::make_heap(heap.begin(), heap.end(), later);
	while (heap.size() > 1) {
		std::pop_heap(heap.begin(), heap.end(), later);
		node a = std::move(heap.back());
		heap.pop_back();
		std::pop_heap(heap.begin(), heap.end(), later);
		node b = std::move(heap.back());
		heap.pop_back();
		heap.push_back(node{ a.freq + b.freq, order++,
				     Xapian::Query(Xapian::Query::OP_SYNONYM, a.q, b.q) });
		std::push_heap(heap.begin(), heap.end(), later);
	}
	return heap[0].q;
}

} // namespace

/* An empty prefix is refused: it would expand to the whole vocabulary. */
XAP_API xap_query *xap_query_wildcard(lec_status *rc, const char *prefix, size_t len,
				      uint32_t max_expansion)
{
	return qguard(rc, [&]() {
		if (!prefix || len == 0)
			bad_arg("xap_query_wildcard: empty prefix");
		if (max_expansion == 0)
			max_expansion = LEC_MAX_WILDCARD_EXPANSION;
		return Xapian::Query(Xapian::Query::OP_WILDCARD, std::string(prefix, len),
				     max_expansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
	});
}

XAP_API xap_query *xap_query_wildcard_in(lec_status *rc, xap_db *db, const char *prefix, size_t len,
					 uint32_t max_expansion)
{
	return qguard(rc, [&]() {
		if (!prefix || len == 0)
			bad_arg("xap_query_wildcard_in: empty prefix");
		if (!db || !db->db)
			bad_arg("xap_query_wildcard_in: database is not open");
		if (max_expansion == 0)
			max_expansion = LEC_MAX_WILDCARD_EXPANSION;
		std::string pfx(prefix, len);
		/* (termfreq, term) of every match; the most frequent are kept, as
		 * WILDCARD_LIMIT_MOST_FREQUENT does, ties by term */
		std::vector<std::pair<Xapian::doccount, std::string>> terms;
		for (auto t = db->db->allterms_begin(pfx); t != db->db->allterms_end(pfx); ++t)
			terms.emplace_back(t.get_termfreq(), *t);
		if (terms.size() > max_expansion) {
			std::partial_sort(terms.begin(), terms.begin() + max_expansion, terms.end(),
					  [](const auto &a, const auto &b) {
						  return a.first != b.first ? a.first > b.first :
									      a.second < b.second;
					  });
			terms.resize(max_expansion);
			std::sort(terms.begin(), terms.end(),
				  [](const auto &a, const auto &b) { return a.second < b.second; });
		}
		if (terms.empty())
			return Xapian::Query(Xapian::Query::MatchNothing);
		return synonym_tree(terms);
	});
}

XAP_API xap_query *xap_query_value_range(lec_status *rc, unsigned slot, const char *lo,
					 const char *hi)
{
	return qguard(rc, [&]() {
		if (lo && hi)
			return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi);
		if (lo)
			return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo);
		if (hi)
			return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi);
		return Xapian::Query(Xapian::Query::MatchAll);
	});
}

XAP_API xap_query *xap_query_scale(lec_status *rc, xap_query *q, double factor)
{
	return qguard(rc, [&]() {
		if (!q)
			bad_arg("xap_query_scale: NULL subquery");
		return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor);
	});
}

XAP_API char *xap_query_describe(const xap_query *q)
{
	if (!q)
		return nullptr;
	try {
		return strdup(q->q.get_description().c_str());
	} catch (...) {
		return nullptr;
	}
}
