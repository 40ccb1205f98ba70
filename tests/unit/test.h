/*
 * A tiny test harness for the unit tests: each test-<module>.c defines
 * test functions and lists them in a TESTS table; main() runs them all
 * and exits non-zero if any check failed.  Checks report the file, line
 * and what was expected, and the test goes on to the next check.
 */
#ifndef MORPH_TEST_H
#define MORPH_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/error.h"
#include "morph/hash.h"

extern int test_failures;
extern const char *test_current;

#define T_FAIL(...) do {						\
	fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, test_current); \
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	test_failures++;						\
} while (0)

#define T_ASSERT(cond) do {						\
	if (!(cond))							\
		T_FAIL("expected %s", #cond);				\
} while (0)

/* expr returns const struct morph_error *; expects success. */
#define T_OK(expr) do {							\
	const struct morph_error *t_e_ = (expr);			\
	if (t_e_ != NULL)						\
		T_FAIL("%s failed: %s", #expr, t_e_->msg);		\
} while (0)

/* expects an error with the given code. */
#define T_ERR(expr, want) do {						\
	const struct morph_error *t_e_ = (expr);			\
	if (t_e_ == NULL)						\
		T_FAIL("%s succeeded; expected error %d", #expr, (want)); \
	else if (t_e_->code != (want))					\
		T_FAIL("%s: error %d (%s); expected %d", #expr,		\
		    t_e_->code, t_e_->msg, (want));			\
} while (0)

#define T_STREQ(a, b) do {						\
	const char *t_a_ = (a), *t_b_ = (b);				\
	if (t_a_ == NULL || t_b_ == NULL || strcmp(t_a_, t_b_) != 0)	\
		T_FAIL("%s is \"%s\", expected \"%s\"", #a,		\
		    t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)");	\
} while (0)

#define T_INTEQ(a, b) do {						\
	long long t_a_ = (long long)(a), t_b_ = (long long)(b);		\
	if (t_a_ != t_b_)						\
		T_FAIL("%s is %lld, expected %lld", #a, t_a_, t_b_);	\
} while (0)

/* Whether haystack contains needle. */
#define T_CONTAINS(hay, needle) do {					\
	const char *t_h_ = (hay), *t_n_ = (needle);			\
	if (t_h_ == NULL || strstr(t_h_, t_n_) == NULL)			\
		T_FAIL("%s (\"%s\") lacks \"%s\"", #hay,		\
		    t_h_ ? t_h_ : "(null)", t_n_);			\
} while (0)

struct test {
	const char	*name;
	void		(*fn)(void);
};

#define TEST(fn)	{ #fn, fn }

/*
 * Makes a fresh empty directory under $TMPDIR for a test and returns its
 * path (static storage); the harness removes it at exit unless
 * MORPH_TEST_KEEP is set.
 */
const char *test_tmpdir(void);

/* Writes a file (creating parent directories) with the given contents. */
void	test_write_file(const char *dir, const char *rel, const char *text);

struct morph_repo;

/*
 * Creates a repository in a fresh temporary directory, changes into it and
 * returns it open; test_repo_dir() is its path.  Exits on failure.
 */
struct morph_repo *test_repo(void);
const char *test_repo_dir(void);

/* Stages and commits everything in the work tree; returns the commit. */
struct morph_oid;
void	test_commit_all(struct morph_repo *, const char *message,
	    struct morph_oid *out);

/*
 * Writes a commit object by hand, with up to two parents (p2 NULL: one,
 * p1 NULL: none), an author time t and a message without quotes.
 */
struct morph_oid test_commit_raw(struct morph_repo *,
    const struct morph_oid *tree, const struct morph_oid *p1,
    const struct morph_oid *p2, int64_t t, const char *msg);

int	test_main(const struct test *tests, size_t n);

#define TEST_MAIN(table)						\
int									\
main(void)								\
{									\
	return test_main(table, sizeof(table) / sizeof(table[0]));	\
}

#endif
