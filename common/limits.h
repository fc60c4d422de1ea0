/* limits.h - every bound lectern enforces, named in one place.
 *
 * Each buffer gets its cap at init; input over a limit gets an error that
 * names the limit. Change a number here, never a literal elsewhere.
 */
#ifndef LECTERN_LIMITS_H
#define LECTERN_LIMITS_H

/* Tokenizer */
#define LEC_MAX_WORD_BYTES 64          /* a longer word takes a position but no term */
#define LEC_MAX_TERM_BYTES 240         /* Xapian's hard limit is 245 */
#define LEC_MAX_META_KEY_BYTES 240     /* Xapian's metadata key limit is 255;
                                        * longer per-path keys are hashed */

/* Index layout */
/* Positions skipped between blocks (and so between passages): wider than
 * the widest NEAR window (distance + words - 1), so that no phrase and no
 * NEAR ever crosses a block, in Xapian's note-wide match as in a passage. */
#define LEC_BLOCK_POSITION_GAP (LEC_MAX_NEAR_DISTANCE + LEC_MAX_PHRASE_WORDS)
#define LEC_MAX_POSITION 0x7fffffffu   /* a note needing more positions is not indexed */
#define LEC_PASSAGE_TARGET_WORDS 300   /* a long section splits at block boundaries near this */
#define LEC_HEADING_WDF_BOOST 5        /* extra wdf for stems of heading words */
#define LEC_MAX_HEADING_DEPTH 6
#define LEC_MAX_HEADING_BYTES 200      /* each heading in a heading path is cut here */
#define LEC_MAX_SPEAKERS_PER_FILE 4096

/* Indexer */
#define LEC_MAX_NOTE_BYTES (256u << 20) /* larger files are skipped with a warning */
#define LEC_BATCH_BYTES (4u << 20)    /* text per transaction: bounds writer RSS (4 MiB measured fastest too) */
#define LEC_BATCH_FILES 2000
#define LEC_MAX_PATH_BYTES 4096
#define LEC_MAX_WALK_DEPTH 256
#define LEC_FRONT_MATTER_MAX_BYTES (64u << 10)
#define LEC_BINARY_SNIFF_BYTES 8192    /* a NUL in the first bytes marks a binary file */

/* Query */
#define LEC_MAX_QUERY_BYTES (64u << 10)
#define LEC_MAX_QUERY_DEPTH 64         /* parentheses and NOT nesting */
#define LEC_MAX_QUERY_TERMS 1024
#define LEC_MAX_PHRASE_WORDS 64
#define LEC_MAX_NEAR_DISTANCE 64
#define LEC_MAX_WILDCARD_EXPANSION 1000
/* Candidate notes are taken in Xapian's order in tiers of this many: every
 * passage of a tier is ranked before the next tier's (search.c) */
#define LEC_TIER_NOTES 20

/* Daemon */
#define LEC_MAX_REQUEST_LINE (1u << 20)
#define LEC_MAX_CLIENT_OUTPUT (16u << 20)
#define LEC_IDLE_TIMEOUT_SEC 300
#define LEC_MAX_CLIENTS 1024

#endif
