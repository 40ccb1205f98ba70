/*
 * libmorph: version control for prompts.  This header includes every
 * public header; each also compiles on its own.
 */
#ifndef MORPH_MORPH_H
#define MORPH_MORPH_H

#include "morph/error.h"
#include "morph/buf.h"
#include "morph/hash.h"
#include "morph/object.h"
#include "morph/repo.h"
#include "morph/config.h"
#include "morph/provider.h"
#include "morph/refs.h"
#include "morph/reflog.h"
#include "morph/reset.h"
#include "morph/tree.h"
#include "morph/commit.h"
#include "morph/date.h"
#include "morph/tag.h"
#include "morph/index.h"
#include "morph/revparse.h"
#include "morph/revwalk.h"
#include "morph/blame.h"
#include "morph/status.h"
#include "morph/fsck.h"
#include "morph/remote.h"
#include "morph/jsonw.h"
#include "morph/num.h"
#include "morph/textdiff.h"
#include "morph/worktree.h"
#include "morph/merge.h"
#include "morph/revert.h"
#include "morph/mv.h"
#include "morph/stash.h"
#include "morph/suite.h"
#include "morph/bisect.h"

/* The version of libmorph, "MAJOR.MINOR.PATCH". */
const char *morph_version(void);

#endif
