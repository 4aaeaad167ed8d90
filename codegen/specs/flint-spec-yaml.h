/* flint-spec-yaml.h: YAML for exported specs, from and to JSON trees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Block-style YAML of @root (an object), keys in the order the object holds them.
 * Strings that YAML would read as anything but that string are double-quoted;
 * multi-line text becomes a literal block. The same tree gives the same bytes. */
char     *flint_spec_yaml_from_json (JsonNode    *root);

/* A small YAML document (a project file) as a JSON tree: plain scalars that look like
 * whole numbers or booleans become those, quoted scalars stay text. */
JsonNode *flint_spec_yaml_parse     (const char  *text,
                                     gsize        length,
                                     GError     **error);

/* Pretty JSON with two-space indentation and a final newline. */
char     *flint_spec_json_to_text   (JsonNode    *root);

G_END_DECLS
