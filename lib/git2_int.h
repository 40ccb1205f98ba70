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
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "morph/error.h"

#define MORPH_GIT2_FUNCS(X)			\
	X(git_blob_free)			\
	X(git_blob_lookup)			\
	X(git_blob_rawcontent)			\
	X(git_blob_rawsize)			\
	X(git_buf_dispose)			\
	X(git_commit_create)			\
	X(git_commit_create_buffer)		\
	X(git_commit_free)			\
	X(git_commit_lookup)			\
	X(git_commit_parent_id)			\
	X(git_commit_parentcount)		\
	X(git_commit_tree)			\
	X(git_commit_tree_id)			\
	X(git_config_entry_free)		\
	X(git_config_foreach)			\
	X(git_config_free)			\
	X(git_config_get_entry)			\
	X(git_credential_ssh_key_from_agent)	\
	X(git_credential_ssh_key_new)		\
	X(git_credential_username_new)		\
	X(git_credential_userpass_plaintext_new)	\
	X(git_diff_buffers)			\
	X(git_diff_options_init)		\
	X(git_error_last)			\
	X(git_error_set_str)			\
	X(git_fetch_options_init)		\
	X(git_graph_descendant_of)		\
	X(git_libgit2_init)			\
	X(git_libgit2_opts)			\
	X(git_mempack_new)			\
	X(git_mempack_reset)			\
	X(git_merge_file)			\
	X(git_merge_file_result_free)		\
	X(git_odb_add_backend)			\
	X(git_odb_backend_loose)		\
	X(git_odb_exists)			\
	X(git_odb_exists_ext)			\
	X(git_odb_free)				\
	X(git_odb_hash)				\
	X(git_odb_init_backend)			\
	X(git_odb_refresh)			\
	X(git_odb_write)			\
	X(git_odb_write_pack)			\
	X(git_oid_equal)			\
	X(git_oid_fromraw)			\
	X(git_oid_fromstr)			\
	X(git_oid_tostr)			\
	X(git_packbuilder_free)			\
	X(git_packbuilder_insert)		\
	X(git_packbuilder_insert_walk)		\
	X(git_packbuilder_new)			\
	X(git_packbuilder_object_count)		\
	X(git_packbuilder_set_threads)		\
	X(git_packbuilder_write_buf)		\
	X(git_patch_free)			\
	X(git_patch_from_buffers)		\
	X(git_patch_get_hunk)			\
	X(git_patch_get_line_in_hunk)		\
	X(git_patch_line_stats)			\
	X(git_patch_num_hunks)			\
	X(git_push_options_init)		\
	X(git_reference_create)			\
	X(git_reference_create_matching)	\
	X(git_reference_delete)			\
	X(git_reference_free)			\
	X(git_reference_iterator_free)		\
	X(git_reference_iterator_glob_new)	\
	X(git_reference_lookup)			\
	X(git_reference_name_to_id)		\
	X(git_reference_next_name)		\
	X(git_refspec_dst)			\
	X(git_refspec_dst_matches)		\
	X(git_refspec_free)			\
	X(git_refspec_parse)			\
	X(git_refspec_src)			\
	X(git_refspec_src_matches)		\
	X(git_refspec_transform)		\
	X(git_remote_create_options_init)	\
	X(git_remote_create_with_opts)		\
	X(git_remote_fetch)			\
	X(git_remote_free)			\
	X(git_remote_push)			\
	X(git_repository_commondir)		\
	X(git_repository_config_snapshot)	\
	X(git_repository_free)			\
	X(git_repository_init)			\
	X(git_repository_is_bare)		\
	X(git_repository_odb)			\
	X(git_repository_open_bare)		\
	X(git_repository_open_ext)		\
	X(git_repository_path)			\
	X(git_revwalk_free)			\
	X(git_revwalk_hide)			\
	X(git_revwalk_new)			\
	X(git_revwalk_push)			\
	X(git_signature_free)			\
	X(git_signature_new)			\
	X(git_status_list_entrycount)		\
	X(git_status_list_free)			\
	X(git_status_list_new)			\
	X(git_status_options_init)		\
	X(git_tree_entry_byindex)		\
	X(git_tree_entry_byname)		\
	X(git_tree_entry_bypath)		\
	X(git_tree_entry_filemode)		\
	X(git_tree_entry_free)			\
	X(git_tree_entry_id)			\
	X(git_tree_entry_name)			\
	X(git_tree_entry_type)			\
	X(git_tree_entrycount)			\
	X(git_tree_free)			\
	X(git_tree_lookup)			\
	X(git_treebuilder_entrycount)		\
	X(git_treebuilder_free)			\
	X(git_treebuilder_get)			\
	X(git_treebuilder_insert)		\
	X(git_treebuilder_new)			\
	X(git_treebuilder_write)

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
#define git_blob_free			(*morph_git2.git_blob_free)
#define git_blob_lookup			(*morph_git2.git_blob_lookup)
#define git_blob_rawcontent		(*morph_git2.git_blob_rawcontent)
#define git_blob_rawsize		(*morph_git2.git_blob_rawsize)
#define git_buf_dispose			(*morph_git2.git_buf_dispose)
#define git_commit_create		(*morph_git2.git_commit_create)
#define git_commit_create_buffer	(*morph_git2.git_commit_create_buffer)
#define git_commit_free			(*morph_git2.git_commit_free)
#define git_commit_lookup		(*morph_git2.git_commit_lookup)
#define git_commit_parent_id		(*morph_git2.git_commit_parent_id)
#define git_commit_parentcount		(*morph_git2.git_commit_parentcount)
#define git_commit_tree			(*morph_git2.git_commit_tree)
#define git_commit_tree_id		(*morph_git2.git_commit_tree_id)
#define git_config_entry_free		(*morph_git2.git_config_entry_free)
#define git_config_foreach		(*morph_git2.git_config_foreach)
#define git_config_free			(*morph_git2.git_config_free)
#define git_config_get_entry		(*morph_git2.git_config_get_entry)
#define git_credential_ssh_key_from_agent	(*morph_git2.git_credential_ssh_key_from_agent)
#define git_credential_ssh_key_new	(*morph_git2.git_credential_ssh_key_new)
#define git_credential_username_new	(*morph_git2.git_credential_username_new)
#define git_credential_userpass_plaintext_new	(*morph_git2.git_credential_userpass_plaintext_new)
#define git_diff_buffers		(*morph_git2.git_diff_buffers)
#define git_diff_options_init		(*morph_git2.git_diff_options_init)
#define git_error_last			(*morph_git2.git_error_last)
#define git_error_set_str		(*morph_git2.git_error_set_str)
#define git_fetch_options_init		(*morph_git2.git_fetch_options_init)
#define git_graph_descendant_of		(*morph_git2.git_graph_descendant_of)
#define git_libgit2_init		(*morph_git2.git_libgit2_init)
#define git_libgit2_opts		(*morph_git2.git_libgit2_opts)
#define git_mempack_new			(*morph_git2.git_mempack_new)
#define git_mempack_reset		(*morph_git2.git_mempack_reset)
#define git_merge_file			(*morph_git2.git_merge_file)
#define git_merge_file_result_free	(*morph_git2.git_merge_file_result_free)
#define git_odb_add_backend		(*morph_git2.git_odb_add_backend)
#define git_odb_backend_loose		(*morph_git2.git_odb_backend_loose)
#define git_odb_exists			(*morph_git2.git_odb_exists)
#define git_odb_exists_ext		(*morph_git2.git_odb_exists_ext)
#define git_odb_free			(*morph_git2.git_odb_free)
#define git_odb_hash			(*morph_git2.git_odb_hash)
#define git_odb_init_backend		(*morph_git2.git_odb_init_backend)
#define git_odb_refresh			(*morph_git2.git_odb_refresh)
#define git_odb_write			(*morph_git2.git_odb_write)
#define git_odb_write_pack		(*morph_git2.git_odb_write_pack)
#define git_oid_equal			(*morph_git2.git_oid_equal)
#define git_oid_fromraw			(*morph_git2.git_oid_fromraw)
#define git_oid_fromstr			(*morph_git2.git_oid_fromstr)
#define git_oid_tostr			(*morph_git2.git_oid_tostr)
#define git_packbuilder_free		(*morph_git2.git_packbuilder_free)
#define git_packbuilder_insert		(*morph_git2.git_packbuilder_insert)
#define git_packbuilder_insert_walk	(*morph_git2.git_packbuilder_insert_walk)
#define git_packbuilder_new		(*morph_git2.git_packbuilder_new)
#define git_packbuilder_object_count	(*morph_git2.git_packbuilder_object_count)
#define git_packbuilder_set_threads	(*morph_git2.git_packbuilder_set_threads)
#define git_packbuilder_write_buf	(*morph_git2.git_packbuilder_write_buf)
#define git_patch_free			(*morph_git2.git_patch_free)
#define git_patch_from_buffers		(*morph_git2.git_patch_from_buffers)
#define git_patch_get_hunk		(*morph_git2.git_patch_get_hunk)
#define git_patch_get_line_in_hunk	(*morph_git2.git_patch_get_line_in_hunk)
#define git_patch_line_stats		(*morph_git2.git_patch_line_stats)
#define git_patch_num_hunks		(*morph_git2.git_patch_num_hunks)
#define git_push_options_init		(*morph_git2.git_push_options_init)
#define git_reference_create		(*morph_git2.git_reference_create)
#define git_reference_create_matching	(*morph_git2.git_reference_create_matching)
#define git_reference_delete		(*morph_git2.git_reference_delete)
#define git_reference_free		(*morph_git2.git_reference_free)
#define git_reference_iterator_free	(*morph_git2.git_reference_iterator_free)
#define git_reference_iterator_glob_new	(*morph_git2.git_reference_iterator_glob_new)
#define git_reference_lookup		(*morph_git2.git_reference_lookup)
#define git_reference_name_to_id	(*morph_git2.git_reference_name_to_id)
#define git_reference_next_name		(*morph_git2.git_reference_next_name)
#define git_refspec_dst			(*morph_git2.git_refspec_dst)
#define git_refspec_dst_matches		(*morph_git2.git_refspec_dst_matches)
#define git_refspec_free		(*morph_git2.git_refspec_free)
#define git_refspec_parse		(*morph_git2.git_refspec_parse)
#define git_refspec_src			(*morph_git2.git_refspec_src)
#define git_refspec_src_matches		(*morph_git2.git_refspec_src_matches)
#define git_refspec_transform		(*morph_git2.git_refspec_transform)
#define git_remote_create_options_init	(*morph_git2.git_remote_create_options_init)
#define git_remote_create_with_opts	(*morph_git2.git_remote_create_with_opts)
#define git_remote_fetch		(*morph_git2.git_remote_fetch)
#define git_remote_free			(*morph_git2.git_remote_free)
#define git_remote_push			(*morph_git2.git_remote_push)
#define git_repository_commondir	(*morph_git2.git_repository_commondir)
#define git_repository_config_snapshot	(*morph_git2.git_repository_config_snapshot)
#define git_repository_free		(*morph_git2.git_repository_free)
#define git_repository_init		(*morph_git2.git_repository_init)
#define git_repository_is_bare		(*morph_git2.git_repository_is_bare)
#define git_repository_odb		(*morph_git2.git_repository_odb)
#define git_repository_open_bare	(*morph_git2.git_repository_open_bare)
#define git_repository_open_ext		(*morph_git2.git_repository_open_ext)
#define git_repository_path		(*morph_git2.git_repository_path)
#define git_revwalk_free		(*morph_git2.git_revwalk_free)
#define git_revwalk_hide		(*morph_git2.git_revwalk_hide)
#define git_revwalk_new			(*morph_git2.git_revwalk_new)
#define git_revwalk_push		(*morph_git2.git_revwalk_push)
#define git_signature_free		(*morph_git2.git_signature_free)
#define git_signature_new		(*morph_git2.git_signature_new)
#define git_status_list_entrycount	(*morph_git2.git_status_list_entrycount)
#define git_status_list_free		(*morph_git2.git_status_list_free)
#define git_status_list_new		(*morph_git2.git_status_list_new)
#define git_status_options_init		(*morph_git2.git_status_options_init)
#define git_tree_entry_byindex		(*morph_git2.git_tree_entry_byindex)
#define git_tree_entry_byname		(*morph_git2.git_tree_entry_byname)
#define git_tree_entry_bypath		(*morph_git2.git_tree_entry_bypath)
#define git_tree_entry_filemode		(*morph_git2.git_tree_entry_filemode)
#define git_tree_entry_free		(*morph_git2.git_tree_entry_free)
#define git_tree_entry_id		(*morph_git2.git_tree_entry_id)
#define git_tree_entry_name		(*morph_git2.git_tree_entry_name)
#define git_tree_entry_type		(*morph_git2.git_tree_entry_type)
#define git_tree_entrycount		(*morph_git2.git_tree_entrycount)
#define git_tree_free			(*morph_git2.git_tree_free)
#define git_tree_lookup			(*morph_git2.git_tree_lookup)
#define git_treebuilder_entrycount	(*morph_git2.git_treebuilder_entrycount)
#define git_treebuilder_free		(*morph_git2.git_treebuilder_free)
#define git_treebuilder_get		(*morph_git2.git_treebuilder_get)
#define git_treebuilder_insert		(*morph_git2.git_treebuilder_insert)
#define git_treebuilder_new		(*morph_git2.git_treebuilder_new)
#define git_treebuilder_write		(*morph_git2.git_treebuilder_write)
#endif

#endif
