/*
 * libgit2, opened at first use (see dl_int.h).
 *
 * Include this instead of <git2.h>.  Each libgit2 function morph calls has
 * a slot in morph_git2 and a macro of the same name, so call sites read as
 * plain libgit2.  A function not listed here fails to link, which is how a
 * new call is noticed: add it to the X-macro list below.  Nothing may be
 * called before morph_git2_load() succeeds (gitbridge.c's morph_git_init
 * does it).
 */
#ifndef MORPH_GIT2_INT_H
#define MORPH_GIT2_INT_H

#include <git2.h>

#include "morph/error.h"

#define MORPH_GIT2_FUNCS(X)			\
	X(git_diff_buffers)			\
	X(git_diff_options_init)		\
	X(git_error_last)			\
	X(git_libgit2_init)			\
	X(git_merge_file)			\
	X(git_merge_file_result_free)		\
	X(git_oid_tostr)			\
	X(git_patch_free)			\
	X(git_patch_from_buffers)		\
	X(git_patch_get_hunk)			\
	X(git_patch_get_line_in_hunk)		\
	X(git_patch_line_stats)			\
	X(git_patch_num_hunks)			\
	X(git_reference_name_to_id)		\
	X(git_repository_free)			\
	X(git_repository_is_bare)		\
	X(git_repository_open_ext)		\
	X(git_repository_path)			\
	X(git_status_list_entrycount)		\
	X(git_status_list_free)			\
	X(git_status_list_new)			\
	X(git_status_options_init)

#define MORPH_GIT2_SLOT(f)	__typeof__(f) *f;
struct morph_git2 {
	MORPH_GIT2_FUNCS(MORPH_GIT2_SLOT)
};
#undef MORPH_GIT2_SLOT

extern struct morph_git2 morph_git2;

/* Opens libgit2 and fills morph_git2.  Errors: UNSUPPORTED. */
const struct morph_error *morph_git2_load(void);

/*
 * From here on, git_x(...) calls through the table.  The file that fills
 * the table defines MORPH_GIT2_LOADER to name the slots themselves.
 */
#ifndef MORPH_GIT2_LOADER
#define git_diff_buffers		(*morph_git2.git_diff_buffers)
#define git_diff_options_init		(*morph_git2.git_diff_options_init)
#define git_error_last			(*morph_git2.git_error_last)
#define git_libgit2_init		(*morph_git2.git_libgit2_init)
#define git_merge_file			(*morph_git2.git_merge_file)
#define git_merge_file_result_free	(*morph_git2.git_merge_file_result_free)
#define git_oid_tostr			(*morph_git2.git_oid_tostr)
#define git_patch_free			(*morph_git2.git_patch_free)
#define git_patch_from_buffers		(*morph_git2.git_patch_from_buffers)
#define git_patch_get_hunk		(*morph_git2.git_patch_get_hunk)
#define git_patch_get_line_in_hunk	(*morph_git2.git_patch_get_line_in_hunk)
#define git_patch_line_stats		(*morph_git2.git_patch_line_stats)
#define git_patch_num_hunks		(*morph_git2.git_patch_num_hunks)
#define git_reference_name_to_id	(*morph_git2.git_reference_name_to_id)
#define git_repository_free		(*morph_git2.git_repository_free)
#define git_repository_is_bare		(*morph_git2.git_repository_is_bare)
#define git_repository_open_ext		(*morph_git2.git_repository_open_ext)
#define git_repository_path		(*morph_git2.git_repository_path)
#define git_status_list_entrycount	(*morph_git2.git_status_list_entrycount)
#define git_status_list_free		(*morph_git2.git_status_list_free)
#define git_status_list_new		(*morph_git2.git_status_list_new)
#define git_status_options_init		(*morph_git2.git_status_options_init)
#endif

#endif
