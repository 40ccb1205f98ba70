/*
 * How push, fetch, pull and clone report the references they move, one a
 * line as git does:
 *
 *	 * [new branch]      main
 *	   0123456789ab..89abcdef0123  main
 *	 ! [rejected]        main (why)
 *	 - [deleted]         origin/old
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

void
morph_cmd_print_url(const char *prefix, const char *url)
{
	char *shown = NULL;

	printf("%s %s\n", prefix, morph_remote_redact(&shown, url) == NULL ?
	    shown : "the remote");
	free(shown);
	fflush(stdout);
}

void
morph_cmd_sync_ref(const struct morph_sync_ref *r, void *arg)
{
	int tag = r->kind == MORPH_SYNC_TAG;
	char range[64];

	(void)arg;
	if (r->rejected != NULL) {
		printf(" ! %-17s %s (%s)\n", "[rejected]", r->name,
		    r->rejected);
		return;
	}
	if (morph_oid_is_zero(&r->new)) {
		printf(" - %-17s %s\n", "[deleted]", r->name);
		return;
	}
	if (morph_oid_is_zero(&r->old)) {
		printf(" * %-17s %s\n", tag ? "[new tag]" : "[new branch]",
		    r->name);
		return;
	}
	snprintf(range, sizeof(range), "%s..", morph_cmd_short(&r->old));
	snprintf(range + strlen(range), sizeof(range) - strlen(range), "%s",
	    morph_cmd_short(&r->new));
	printf("   %s  %s\n", range, r->name);
}

void
morph_cmd_sync_summary(const struct morph_sync_result *res, int fetched)
{
	if (fetched && (res->commits > 0 || res->runs > 0))
		printf("Fetched %zu commit%s and %zu run%s (%zu result%s)\n",
		    res->commits, res->commits == 1 ? "" : "s", res->runs,
		    res->runs == 1 ? "" : "s", res->results,
		    res->results == 1 ? "" : "s");
	else if (!fetched && res->runs > 0)
		printf("Pushed %zu run%s\n", res->runs,
		    res->runs == 1 ? "" : "s");
}
