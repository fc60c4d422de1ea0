/* limits.h - every bound lectern enforces, named in one place.
 *
 * Each buffer gets its cap at init; input over a limit gets an error that
 * names the limit. Change a number here, never a literal elsewhere.
 */
#ifndef LECTERN_LIMITS_H
#define LECTERN_LIMITS_H

/* Tokenizer */
#define LEC_MAX_WORD_BYTES 64  /* a longer word takes a position but no term */
#define LEC_MAX_TERM_BYTES 240 /* Xapian's hard limit is 245 */
/* Words whose stems a cache keeps (a stemmer's, common/stem.c, and an index
 * builder's, indexer/docbuild.c): when full it starts over, so its memory is
 * bounded whatever the vocabulary of the notes (about 100 bytes a word). */
#define LEC_STEM_CACHE_WORDS 65536
#define LEC_MAX_META_KEY_BYTES \
	240 /* Xapian's metadata key limit is 255;
                                        * longer per-path keys are hashed */

/* Index layout */
/* Positions skipped between blocks (and so between passages): wider than
 * the widest NEAR window (distance + words - 1), so that no phrase and no
 * NEAR ever crosses a block, in Xapian's note-wide match as in a passage. */
#define LEC_BLOCK_POSITION_GAP (LEC_MAX_NEAR_DISTANCE + LEC_MAX_PHRASE_WORDS)
#define LEC_MAX_POSITION 0x7fffffffu /* a note needing more positions is not indexed */
#define LEC_PASSAGE_TARGET_WORDS 300 /* a long section splits at block boundaries near this */
/* The most bytes a passage spans, so that a hit costs at most this much
 * reading and tokenizing whatever the note's size: a longer section splits
 * at block boundaries, and a longer block (a note without blank lines) is
 * cut into blocks of its own at line, then sentence, then word boundaries
 * (common/note-split.c). 32 KiB: the longest block of tc39-notes is 21 KB. */
#define LEC_MAX_PASSAGE_BYTES (32u << 10)
#define LEC_HEADING_WDF_BOOST 5 /* extra wdf for stems of heading words */
#define LEC_MAX_HEADING_DEPTH 6
#define LEC_MAX_HEADING_BYTES 200 /* each heading in a heading path is cut here */
#define LEC_MAX_SPEAKERS_PER_FILE 4096

/* Indexer */
/* Larger files are skipped with a warning. A note is parsed and made into
 * one Xapian document all at once, which costs up to ~4x its size at the
 * peak (cmark's copies of a one-paragraph markdown note; the document's
 * positions): 64 MiB keeps one note under 300 MiB (a 64 MiB one-paragraph
 * markdown note: 249 MiB measured). */
#define LEC_MAX_NOTE_BYTES (64u << 20)
/* A markdown note with more marks than this that may each start a node of
 * cmark's tree (line breaks, * _ ` [ ] < > ! & \ - + . ) is read as plain
 * text, with a warning: the tree costs 270-430 bytes per mark (measured:
 * 4 MiB of "*a* " took 767 MB, 16 MiB of "- a" lines 1.7 GB), and all of
 * it exists at once. 200,000: ~90 MB at worst; the largest tc39 note has
 * 5,054. */
#define LEC_MAX_MARKDOWN_MARKS 200000u
/* A note of more blocks (paragraphs, list items, code blocks) is not
 * indexed (a warning; an indexed version is kept): each costs ~100 bytes
 * while the note is made into its document (15 MB of "a" paragraphs took
 * 533 MB; a million of them 106 MB). The most in tc39-notes is 970. */
#define LEC_MAX_NOTE_BLOCKS 2000000u
#define LEC_BATCH_BYTES \
	(4u << 20) /* text per transaction: bounds writer RSS (4 MiB measured fastest too) */
#define LEC_BATCH_FILES 2000
#define LEC_MAX_PATH_BYTES 4096
#define LEC_MAX_WALK_DEPTH 256
#define LEC_FRONT_MATTER_MAX_BYTES (64u << 10)
#define LEC_BINARY_SNIFF_BYTES 8192 /* a NUL in the first bytes marks a binary file */
#define IDX_MAX_JOBS 8              /* worker threads of one run (lectern index -j) */

/* Shards (common/shards.h) */
#define SHARDS_MAX 64          /* local shards of one index */
#define SHARDS_MAX_ENTRIES 256 /* lines of a stub file: databases of one index */

/* Query */
#define LEC_MAX_QUERY_BYTES (64u << 10)
#define LEC_MAX_QUERY_DEPTH 64 /* parentheses and NOT nesting */
#define LEC_MAX_QUERY_TERMS 1024
#define LEC_MAX_PHRASE_WORDS 64
#define LEC_MAX_NEAR_DISTANCE 64
#define LEC_MAX_WILDCARD_EXPANSION 1000
/* Candidate notes are taken in Xapian's order in tiers of this many: every
 * passage of a tier is ranked before the next tier's (search.c) */
#define LEC_TIER_NOTES 20

/* Hits: what one hit may read and show, whatever its note's size */
#define LEC_MAX_LINE_BYTES \
	4096                       /* a line shown (an occurrence's, a context
                                        * line) is cut here, at a character boundary */
#define LEC_MAX_CONTEXT_LINES 1000 /* -C / "context": lines either side */
/* Context lines are those that start within this many bytes of the match,
 * either side: a hit's context is at most twice this plus a line. */
#define LEC_MAX_CONTEXT_BYTES (16u << 10)
/* The lines shown with one hit's occurrences (vimgrep), in all: past it an
 * occurrence comes without its line's text (a 32 KiB passage of one-letter
 * words on one long line has 16,000 of them, each with the same 4 KiB). */
#define LEC_MAX_OCCURRENCE_TEXT_BYTES (256u << 10)
/* A note changed since indexing is parsed again to find a hit's passage
 * (~4x its size): only one of at most this size; a larger one gives a
 * stale hit ("run lectern index"). The largest tc39 note is 277 KB. */
#define LEC_MAX_RELOCATE_BYTES (4u << 20)
/* A note of at most this size is read whole by its first hit and kept for
 * the next hits of the same note (a page, --all, vimgrep come note by note):
 * one open and read a note instead of one a hit. A larger note is read a
 * window a hit. */
#define LEC_WHOLE_NOTE_BYTES (1u << 20)
/* A searcher asked more than once (a daemon's, the language server's, a
 * library handle's) keeps the text of the notes of at most
 * LEC_NOTE_CACHE_MAX_NOTE bytes it read, up to LEC_NOTE_CACHE_BYTES (past
 * it, all are dropped), for as long as each file keeps its size and mtime
 * (searcher/note-cache.h). Per searcher: the daemon has one a search
 * thread. The 7-query mix on tc39-notes reads 1.6 MB of notes. */
#define LEC_NOTE_CACHE_BYTES (4u << 20)
#define LEC_NOTE_CACHE_MAX_NOTE (256u << 10)
/* The document values (passage tables, passage records) a read-only index
 * handle keeps between reopens that change nothing (common/xap-int.h): a
 * daemon's queries come back to the same notes, and Xapian reads a value
 * through a B-tree lookup and a scan of its slot's chunk each time. Past
 * this many bytes (values and an allowance a value) the cache is emptied. */
#define LEC_XAP_VALUE_CACHE_BYTES (4u << 20)
/* Likewise the position lists it read (a note's positions of a query's
 * words): Xapian 1.4 reads two blocks of the position table for each, the
 * same ones again for the same list (shown with python3-xapian). */
#define LEC_XAP_POSITION_CACHE_BYTES (4u << 20)
/* The passage records read ahead at once, in the index's order, for the
 * hits about to be made (searcher/search-hits.c): a thousand records of a
 * few hundred bytes stay well inside the value cache above. Also the notes
 * --all by place evaluates before it makes their hits. */
#define LEC_READ_AHEAD_RECORDS 1024
#define LEC_READ_AHEAD_NOTES 64

/* Daemon */
#define LEC_MAX_REQUEST_LINE (1u << 20)
/* A reply line, checked as it is written (a find past it stops there:
 * too_large), and the unread replies a client may leave (past it: dropped) */
#define LEC_MAX_CLIENT_OUTPUT (16u << 20)
/* Each search's time budget (find, suggest): past it the answer is a
 * `timeout` error (lectern serve --time-budget MS). A find through it
 * costs ~1 ms; every passage of tc39-notes holding "the", 2 s. */
#define LEC_SEARCH_TIME_MS 10000
/* A streamed find ("stream": true) goes out in lines of about this many
 * bytes of hits, or what it has after this many ms */
#define LEC_STREAM_CHUNK_BYTES (256u << 10)
#define LEC_STREAM_CHUNK_MS 200
/* A streamed find's lines waiting for its client, in the daemon (made, or
 * queued unsent): the search waits while there are more */
#define LEC_STREAM_BUFFER_BYTES (1u << 20)
/* A find of more hits than this (offset + limit), of every passage, or a
 * count, is heavy: the search threads keep one of theirs for the others */
#define LEC_LIGHT_HITS 100
#define LEC_IDLE_TIMEOUT_SEC 300
#define POOL_MAX_THREADS 64 /* search threads: lectern serve --threads */
#define LEC_MAX_CLIENTS 1024

/* Language server (lectern lsp) */
/* A JSON-RPC message body: a larger one is skipped unread and answered
 * with an error (a client never needs more: whole notes are 64 MiB at most
 * but an editor sends one document per message, and 16 MiB is the daemon's
 * reply bound too) */
#define LEC_MAX_LSP_MESSAGE (16u << 20)
/* The header lines of one message, all together */
#define LEC_MAX_LSP_HEADER 8192
/* workspace/symbol: passages returned for one query */
#define LEC_LSP_SYMBOLS 100
/* Documents the editor has open whose text the server keeps */
#define LEC_LSP_MAX_DOCS 256
/* Notes one didChangeWatchedFiles reindexes by name; past it, every root
 * (a checkout that changed many files) */
#define LEC_LSP_MAX_REINDEX_PATHS 256
/* A hover shows at most this much of a passage */
#define LEC_LSP_HOVER_BYTES 4096

#endif
