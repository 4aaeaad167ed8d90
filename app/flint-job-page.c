/* flint-job-page.c
 *
 * The settings are a table: each has a dotted path in the job map, an editor kind and a
 * group. Targets get one expandable row each, with the keys their kind takes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "flint-job-page.h"

typedef enum
{
  EDIT_TEXT,
  EDIT_INT,
  EDIT_BOOL,
  EDIT_CHOICE,
  EDIT_MAP,
} EditKind;

typedef struct
{
  const char *group;
  const char *path;
  EditKind    kind;
  const char *title;
  const char *choices;  /* "|"-separated */
  double      lower;
  double      upper;
} Setting;

static const Setting settings[] = {
  { N_("General"), "mode", EDIT_CHOICE, N_("Mode"), "batch|streaming", 0, 0 },
  { N_("General"), "spark_version", EDIT_TEXT, N_("Spark Version"), NULL, 0, 0 },
  { N_("General"), "image", EDIT_TEXT, N_("Container Image"), NULL, 0, 0 },
  { N_("General"), "optimizations", EDIT_CHOICE, N_("Optimizations"), "auto|none", 0, 0 },
  { N_("Driver"), "driver.cores", EDIT_INT, N_("Cores"), NULL, 1, 256 },
  { N_("Driver"), "driver.memory", EDIT_TEXT, N_("Memory"), NULL, 0, 0 },
  { N_("Executors"), "executor.instances", EDIT_INT, N_("Instances"), NULL, 1, 10000 },
  { N_("Executors"), "executor.cores", EDIT_INT, N_("Cores"), NULL, 1, 256 },
  { N_("Executors"), "executor.memory", EDIT_TEXT, N_("Memory"), NULL, 0, 0 },
  { N_("Dynamic Allocation"), "dynamic_allocation.enabled", EDIT_BOOL, N_("Enabled"), NULL, 0, 0 },
  { N_("Dynamic Allocation"), "dynamic_allocation.min", EDIT_INT, N_("Minimum Executors"), NULL, 0, 10000 },
  { N_("Dynamic Allocation"), "dynamic_allocation.max", EDIT_INT, N_("Maximum Executors"), NULL, 1, 10000 },
  { N_("Spark Configuration"), "conf", EDIT_MAP, N_("Properties"), NULL, 0, 0 },
  { N_("Schedule"), "schedule.cron", EDIT_TEXT, N_("Cron Expression"), NULL, 0, 0 },
  { N_("Schedule"), "schedule.timezone", EDIT_TEXT, N_("Time Zone"), NULL, 0, 0 },
  { N_("Schedule"), "retries", EDIT_INT, N_("Retries"), NULL, 0, 100 },
  { N_("Schedule"), "timeout_minutes", EDIT_INT, N_("Timeout (minutes)"), NULL, 1, 100000 },
};

typedef struct
{
  const char *kind;
  const char *key;
  EditKind    edit;
  const char *title;
} TargetKey;

static const TargetKey target_keys[] = {
  { "local", "master", EDIT_TEXT, N_("Master URL") },
  { "kubernetes", "context", EDIT_TEXT, N_("Context") },
  { "kubernetes", "namespace", EDIT_TEXT, N_("Namespace") },
  { "kubernetes", "image", EDIT_TEXT, N_("Container Image") },
  { "kubernetes", "service_account", EDIT_TEXT, N_("Service Account") },
  { "databricks", "profile", EDIT_TEXT, N_("Profile") },
  { "databricks", "host", EDIT_TEXT, N_("Workspace URL") },
  { "databricks", "runtime", EDIT_TEXT, N_("Runtime") },
  { "databricks", "node_type", EDIT_TEXT, N_("Node Type") },
  { "databricks", "workers", EDIT_INT, N_("Workers") },
  { "databricks", "cluster_id", EDIT_TEXT, N_("Cluster ID") },
  { "spark_connect", "url", EDIT_TEXT, N_("Server URL") },
};

#define TARGET_KINDS "local|kubernetes|databricks|spark_connect"

typedef struct
{
  FlintJobPage *self;
  char         *path;
  EditKind      kind;
  GtkWidget    *row;
  GtkWidget    *message_row;
  GtkWidget    *message_label;
  GPtrArray    *pairs;    /* EDIT_MAP: key and value entries */
} Editor;

struct _FlintJobPage
{
  GtkWidget       parent_instance;

  GtkWidget      *page;
  FlintHistory   *history;
  FlintPipeline  *pipeline;
  FlintValidator *validator;
  GPtrArray      *editors;
  GHashTable     *by_path;
  gboolean        building;
  gboolean        committing;
  guint           rebuild_source;
  gboolean        rebuild_low;  /* the pending rebuild waits for a hidden page's idle */
};

G_DEFINE_FINAL_TYPE (FlintJobPage, flint_job_page, GTK_TYPE_WIDGET)

static void rebuild          (FlintJobPage *self);
static void update_messages  (FlintJobPage *self);
static void schedule_rebuild (FlintJobPage *self);

static void
editor_free (Editor *ed)
{
  g_free (ed->path);
  g_clear_pointer (&ed->pairs, g_ptr_array_unref);
  g_free (ed);
}

static void
commit (FlintJobPage *self,
        const char   *path,
        JsonNode     *value)
{
  g_autoptr (GError) error = NULL;
  JsonNode *current;

  if (self->building || self->history == NULL)
    {
      g_clear_pointer (&value, json_node_unref);
      return;
    }

  current = flint_pipeline_get_job_setting (self->pipeline, path);
  if ((current == NULL && value == NULL)
      || (current != NULL && value != NULL && json_node_equal (current, value)))
    {
      g_clear_pointer (&value, json_node_unref);
      return;
    }

  self->committing = TRUE;
  if (!flint_history_set_job_setting (self->history, path, value, &error))
    g_message ("Could not change %s: %s", path, error->message);
  self->committing = FALSE;
}

static char *
setting_text (FlintJobPage *self,
              const char   *path)
{
  JsonNode *value = flint_pipeline_get_job_setting (self->pipeline, path);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    return g_strdup ("");
  if (json_node_get_value_type (value) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (value));
  if (json_node_get_value_type (value) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));

  return json_to_string (value, FALSE);
}

static void
on_text_apply (GtkWidget *row,
               Editor    *ed)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  JsonNode *value = NULL;

  if (text[0] != '\0')
    {
      value = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (value, text);
    }
  commit (ed->self, ed->path, value);
}

static void
on_spin_changed (GtkSpinButton *spin,
                 Editor        *ed)
{
  JsonNode *value = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (value, gtk_spin_button_get_value_as_int (spin));
  commit (ed->self, ed->path, value);
}

static void
on_switch_active (GtkSwitch  *sw,
                  GParamSpec *pspec,
                  Editor     *ed)
{
  JsonNode *value = json_node_new (JSON_NODE_VALUE);

  json_node_set_boolean (value, gtk_switch_get_active (sw));
  commit (ed->self, ed->path, value);
}

static void
on_choice_selected (AdwComboRow *row,
                    GParamSpec  *pspec,
                    Editor      *ed)
{
  GtkStringList *list = GTK_STRING_LIST (adw_combo_row_get_model (row));
  guint selected = adw_combo_row_get_selected (row);
  JsonNode *value;

  if (selected == GTK_INVALID_LIST_POSITION || selected == 0)
    {
      commit (ed->self, ed->path, NULL);
      return;
    }
  value = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (value, gtk_string_list_get_string (list, selected));
  commit (ed->self, ed->path, value);
  /* A target's kind decides which keys it shows. */
  if (g_str_has_prefix (ed->path, "targets.") && g_str_has_suffix (ed->path, ".kind"))
    schedule_rebuild (ed->self);
}

static void
commit_map (Editor *ed)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = NULL;

  for (guint i = 0; i < ed->pairs->len; i += 2)
    {
      g_autofree char *key = g_strstrip (g_strdup (gtk_editable_get_text (g_ptr_array_index (ed->pairs, i))));

      if (key[0] != '\0')
        json_object_set_string_member (object, key,
                                       gtk_editable_get_text (g_ptr_array_index (ed->pairs, i + 1)));
    }
  if (json_object_get_size (object) > 0)
    {
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, object);
    }
  else
    json_object_unref (object);

  commit (ed->self, ed->path, node);
}

static void
on_map_remove (GtkButton *button,
               Editor    *ed)
{
  GtkWidget *key = g_object_get_data (G_OBJECT (button), "key");

  for (guint i = 0; i < ed->pairs->len; i += 2)
    if (g_ptr_array_index (ed->pairs, i) == key)
      {
        g_ptr_array_remove_range (ed->pairs, i, 2);
        break;
      }
  commit_map (ed);
  schedule_rebuild (ed->self);
}

static void
add_pair (Editor     *ed,
          const char *key,
          const char *value)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *k = gtk_entry_new ();
  GtkWidget *v = gtk_entry_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set (box, "margin-top", 6, "margin-bottom", 6, "margin-start", 12, "margin-end", 12,
                NULL);
  gtk_editable_set_text (GTK_EDITABLE (k), key);
  gtk_entry_set_placeholder_text (GTK_ENTRY (k), "spark.sql.shuffle.partitions");
  gtk_widget_set_hexpand (k, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (v), value);
  gtk_entry_set_placeholder_text (GTK_ENTRY (v), _("Value"));
  gtk_widget_set_hexpand (v, TRUE);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove"));
  g_object_set_data (G_OBJECT (remove), "key", k);
  g_signal_connect_swapped (k, "activate", G_CALLBACK (commit_map), ed);
  g_signal_connect_swapped (v, "activate", G_CALLBACK (commit_map), ed);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_map_remove), ed);
  gtk_box_append (GTK_BOX (box), k);
  gtk_box_append (GTK_BOX (box), v);
  gtk_box_append (GTK_BOX (box), remove);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (ed->row), row);
  g_ptr_array_add (ed->pairs, k);
  g_ptr_array_add (ed->pairs, v);
}

static void
on_map_add (Editor *ed)
{
  add_pair (ed, "", "");
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (ed->row), TRUE);
}

static GtkWidget *
make_message_row (GtkWidget **label_out)
{
  /* A preferences row, so that the group keeps it inside the card, under its editor. */
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  g_object_set (label, "margin-top", 6, "margin-bottom", 6, "margin-start", 12, "margin-end", 12,
                NULL);
  gtk_widget_add_css_class (label, "error");
  gtk_widget_add_css_class (label, "caption");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_widget_set_visible (row, FALSE);
  *label_out = label;

  return row;
}

static Editor *
add_editor (FlintJobPage *self,
            GtkWidget    *container,
            const char   *path,
            EditKind      kind,
            const char   *title,
            const char   *choices,
            double        lower,
            double        upper)
{
  Editor *ed = g_new0 (Editor, 1);
  JsonNode *value = flint_pipeline_get_job_setting (self->pipeline, path);
  g_autofree char *text = setting_text (self, path);
  GtkWidget *row;

  ed->self = self;
  ed->path = g_strdup (path);
  ed->kind = kind;
  g_ptr_array_add (self->editors, ed);
  g_hash_table_insert (self->by_path, ed->path, ed);

  switch (kind)
    {
    case EDIT_INT:
      {
        GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, 1);

        row = adw_action_row_new ();
        gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
        if (value != NULL && JSON_NODE_HOLDS_VALUE (value))
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), json_node_get_double (value));
        else
          {
            gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), lower);
            gtk_editable_set_text (GTK_EDITABLE (spin), "");
          }
        g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_changed), ed);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
      }
      break;
    case EDIT_BOOL:
      {
        GtkWidget *sw = gtk_switch_new ();

        row = adw_action_row_new ();
        gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
        gtk_switch_set_active (GTK_SWITCH (sw), value != NULL && JSON_NODE_HOLDS_VALUE (value)
                                                && json_node_get_boolean (value));
        g_signal_connect (sw, "notify::active", G_CALLBACK (on_switch_active), ed);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
      }
      break;
    case EDIT_CHOICE:
      {
        g_auto (GStrv) items = g_strsplit (choices, "|", -1);
        GtkStringList *list = gtk_string_list_new (NULL);
        guint selected = 0;

        /* Translators: a setting left unset, so the default applies */
        gtk_string_list_append (list, _("Default"));
        for (guint i = 0; items[i] != NULL; i++)
          {
            gtk_string_list_append (list, items[i]);
            if (g_str_equal (items[i], text))
              selected = i + 1;
          }
        if (selected == 0 && text[0] != '\0')
          {
            gtk_string_list_append (list, text);
            selected = g_list_model_get_n_items (G_LIST_MODEL (list)) - 1;
          }
        row = adw_combo_row_new ();
        adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (list));
        adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
        g_object_unref (list);
        g_signal_connect (row, "notify::selected", G_CALLBACK (on_choice_selected), ed);
      }
      break;
    case EDIT_MAP:
      {
        GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");

        row = adw_expander_row_new ();
        ed->row = row;
        ed->pairs = g_ptr_array_new ();
        gtk_widget_add_css_class (add, "flat");
        gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
        gtk_widget_set_tooltip_text (add, _("Add Property"));
        g_signal_connect_swapped (add, "clicked", G_CALLBACK (on_map_add), ed);
        adw_expander_row_add_action (ADW_EXPANDER_ROW (row), add);
        if (value != NULL && JSON_NODE_HOLDS_OBJECT (value))
          {
            JsonObjectIter iter;
            const char *key;
            JsonNode *member;

            json_object_iter_init_ordered (&iter, json_node_get_object (value));
            while (json_object_iter_next_ordered (&iter, &key, &member))
              {
                g_autofree char *v = JSON_NODE_HOLDS_VALUE (member)
                                     && json_node_get_value_type (member) == G_TYPE_STRING
                                     ? g_strdup (json_node_get_string (member))
                                     : json_to_string (member, FALSE);

                add_pair (ed, key, v);
              }
            {
              guint n = json_object_get_size (json_node_get_object (value));
              g_autofree char *subtitle = g_strdup_printf (ngettext ("%u property", "%u properties", n), n);

              adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
            }
          }
      }
      break;
    case EDIT_TEXT:
    default:
      row = adw_entry_row_new ();
      gtk_editable_set_text (GTK_EDITABLE (row), text);
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
      g_signal_connect (row, "apply", G_CALLBACK (on_text_apply), ed);
      g_signal_connect (row, "entry-activated", G_CALLBACK (on_text_apply), ed);
      break;
    }

  ed->row = row;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_name (row, path);
  ed->message_row = make_message_row (&ed->message_label);
  if (ADW_IS_EXPANDER_ROW (container))
    {
      adw_expander_row_add_row (ADW_EXPANDER_ROW (container), row);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (container), ed->message_row);
    }
  else
    {
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (container), row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (container), ed->message_row);
    }

  return ed;
}

static void
on_remove_target (GtkButton    *button,
                  FlintJobPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "target");
  g_autofree char *path = g_strdup_printf ("targets.%s", name);

  commit (self, path, NULL);
  schedule_rebuild (self);
}

static void
on_add_target (GtkButton    *button,
               FlintJobPage *self)
{
  JsonObject *target = json_object_new ();
  JsonNode *value = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *path = NULL;

  for (guint i = 1; path == NULL || flint_pipeline_get_job_setting (self->pipeline, path) != NULL; i++)
    {
      g_free (path);
      path = i == 1 ? g_strdup ("targets.target") : g_strdup_printf ("targets.target_%u", i);
    }
  json_object_set_string_member (target, "kind", "kubernetes");
  json_node_take_object (value, target);
  commit (self, path, value);
  schedule_rebuild (self);
}

static void
add_targets (FlintJobPage *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
  JsonNode *targets = flint_pipeline_get_job_setting (self->pipeline, "targets");

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Targets"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Where the pipeline can run. Credentials stay in your keyring or config files, never here."));
  gtk_widget_add_css_class (add, "flat");
  gtk_widget_set_tooltip_text (add, _("Add Target"));
  g_signal_connect (add, "clicked", G_CALLBACK (on_add_target), self);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), add);

  if (targets != NULL && JSON_NODE_HOLDS_OBJECT (targets))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *target;

      json_object_iter_init_ordered (&iter, json_node_get_object (targets));
      while (json_object_iter_next_ordered (&iter, &name, &target))
        {
          GtkWidget *expander = adw_expander_row_new ();
          GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
          g_autofree char *kind_path = g_strdup_printf ("targets.%s.kind", name);
          g_autofree char *kind = setting_text (self, kind_path);

          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), name);
          adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), kind);
          gtk_widget_add_css_class (remove, "flat");
          gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (remove, _("Remove Target"));
          g_object_set_data_full (G_OBJECT (remove), "target", g_strdup (name), g_free);
          g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_target), self);
          adw_expander_row_add_action (ADW_EXPANDER_ROW (expander), remove);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), expander);

          add_editor (self, expander, kind_path, EDIT_CHOICE, _("Kind"), TARGET_KINDS, 0, 0);
          for (guint i = 0; i < G_N_ELEMENTS (target_keys); i++)
            {
              g_autofree char *path = NULL;

              if (!g_str_equal (target_keys[i].kind, kind))
                continue;
              path = g_strdup_printf ("targets.%s.%s", name, target_keys[i].key);
              add_editor (self, expander, path, target_keys[i].edit, _(target_keys[i].title),
                          NULL, 0, 10000);
            }
        }
    }

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (group));
}

static void
rebuild (FlintJobPage *self)
{
  GtkWidget *group = NULL;
  const char *group_title = NULL;
  GtkWidget *scrolled;

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_ptr_array_set_size (self->editors, 0);
  g_hash_table_remove_all (self->by_path);
  g_clear_pointer (&self->page, gtk_widget_unparent);

  self->page = adw_preferences_page_new ();
  gtk_widget_set_parent (self->page, GTK_WIDGET (self));

  if (self->pipeline == NULL)
    return;

  self->building = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      if (group_title == NULL || !g_str_equal (group_title, settings[i].group))
        {
          group_title = settings[i].group;
          group = adw_preferences_group_new ();
          adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _(group_title));
          adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (group));
        }
      add_editor (self, group, settings[i].path, settings[i].kind, _(settings[i].title),
                  settings[i].choices, settings[i].lower, settings[i].upper);
    }
  add_targets (self);
  self->building = FALSE;

  /* Keep the width the sidebar gives; the page scrolls by itself. */
  scrolled = gtk_widget_get_first_child (self->page);
  if (GTK_IS_SCROLLED_WINDOW (scrolled))
    gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                    GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);

  update_messages (self);
}

static gboolean
rebuild_idle (gpointer user_data)
{
  FlintJobPage *self = user_data;

  self->rebuild_source = 0;
  rebuild (self);

  return G_SOURCE_REMOVE;
}

/* A shown page is rebuilt before the next frame. A hidden one (a tab not chosen, the
 * window's first frame) builds its rows once the main loop is idle, or at once when it is
 * shown or asked for a row, so opening a document does not wait for them. */
static void
schedule_rebuild (FlintJobPage *self)
{
  gboolean low = !gtk_widget_get_mapped (GTK_WIDGET (self));

  if (self->rebuild_source != 0 && (!self->rebuild_low || low))
    return;
  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  self->rebuild_low = low;
  self->rebuild_source = g_idle_add_full (low ? G_PRIORITY_LOW : G_PRIORITY_HIGH_IDLE,
                                          rebuild_idle, self, NULL);
}

static void
flush_rebuild (FlintJobPage *self)
{
  if (self->rebuild_source != 0)
    rebuild (self);
}

static void
update_messages (FlintJobPage *self)
{
  g_autoptr (GPtrArray) diagnostics = NULL;
  g_autoptr (GHashTable) texts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);

  if (self->validator == NULL)
    return;

  diagnostics = flint_validator_dup_diagnostics (self->validator);
  for (guint i = 0; i < diagnostics->len; i++)
    {
      FlintDiagnostic *d = g_ptr_array_index (diagnostics, i);
      const char *param = flint_diagnostic_get_param (d);
      g_autofree char *path = NULL;
      Editor *ed = NULL;

      if (flint_diagnostic_get_node_id (d) != NULL || param == NULL
          || !g_str_has_prefix (param, "job."))
        continue;

      path = g_strdup (param + 4);
      while (ed == NULL && path[0] != '\0')
        {
          char *dot;

          ed = g_hash_table_lookup (self->by_path, path);
          if (ed != NULL || (dot = strrchr (path, '.')) == NULL)
            break;
          *dot = '\0';
        }
      if (ed == NULL)
        continue;

      {
        char *old = g_hash_table_lookup (texts, ed);
        char *text = old != NULL ? g_strconcat (old, "\n", flint_diagnostic_get_message (d), NULL)
                                 : g_strdup (flint_diagnostic_get_message (d));

        g_hash_table_insert (texts, ed, text);
      }
    }

  for (guint i = 0; i < self->editors->len; i++)
    {
      Editor *ed = g_ptr_array_index (self->editors, i);
      const char *text = g_hash_table_lookup (texts, ed);

      gtk_label_set_text (GTK_LABEL (ed->message_label), text != NULL ? text : "");
      gtk_widget_set_visible (ed->message_row, text != NULL);
      if (text != NULL)
        gtk_widget_add_css_class (ed->row, "error");
      else
        gtk_widget_remove_css_class (ed->row, "error");
    }
}

static void
on_job_changed (FlintJobPage *self,
                const char   *path)
{
  if (!self->committing)
    schedule_rebuild (self);
}

static void
flint_job_page_dispose (GObject *object)
{
  FlintJobPage *self = FLINT_JOB_PAGE (object);

  flint_job_page_set_document (self, NULL, NULL);
  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  g_clear_pointer (&self->page, gtk_widget_unparent);
  g_clear_pointer (&self->editors, g_ptr_array_unref);
  g_clear_pointer (&self->by_path, g_hash_table_unref);

  G_OBJECT_CLASS (flint_job_page_parent_class)->dispose (object);
}

static void
flint_job_page_map (GtkWidget *widget)
{
  /* Before the children are mapped, so the page never shows a frame of old rows. */
  flush_rebuild (FLINT_JOB_PAGE (widget));

  GTK_WIDGET_CLASS (flint_job_page_parent_class)->map (widget);
}

static void
flint_job_page_class_init (FlintJobPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flint_job_page_dispose;
  widget_class->map = flint_job_page_map;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "flintjobpage");
}

static void
flint_job_page_init (FlintJobPage *self)
{
  self->editors = g_ptr_array_new_with_free_func ((GDestroyNotify) editor_free);
  self->by_path = g_hash_table_new (g_str_hash, g_str_equal);
  rebuild (self);
}

GtkWidget *
flint_job_page_new (void)
{
  return g_object_new (FLINT_TYPE_JOB_PAGE, NULL);
}

void
flint_job_page_set_document (FlintJobPage   *self,
                             FlintHistory   *history,
                             FlintValidator *validator)
{
  g_return_if_fail (FLINT_IS_JOB_PAGE (self));

  if (self->pipeline != NULL)
    g_signal_handlers_disconnect_by_data (self->pipeline, self);
  if (self->validator != NULL)
    g_signal_handlers_disconnect_by_data (self->validator, self);
  g_clear_object (&self->pipeline);
  g_clear_object (&self->validator);
  g_clear_object (&self->history);

  if (history != NULL)
    {
      self->history = g_object_ref (history);
      self->pipeline = g_object_ref (flint_history_get_pipeline (history));
      g_signal_connect_swapped (self->pipeline, "job-changed", G_CALLBACK (on_job_changed), self);
    }
  if (validator != NULL)
    {
      self->validator = g_object_ref (validator);
      g_signal_connect_swapped (validator, "updated", G_CALLBACK (update_messages), self);
    }

  if (self->editors == NULL || gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) || history == NULL)
    rebuild (self);
  else
    schedule_rebuild (self);
}

GtkWidget *
flint_job_page_get_row (FlintJobPage *self,
                        const char   *path)
{
  Editor *ed;

  g_return_val_if_fail (FLINT_IS_JOB_PAGE (self), NULL);

  flush_rebuild (self);
  ed = g_hash_table_lookup (self->by_path, path);

  return ed != NULL ? ed->row : NULL;
}

const char *
flint_job_page_get_message (FlintJobPage *self,
                            const char   *path)
{
  Editor *ed;

  g_return_val_if_fail (FLINT_IS_JOB_PAGE (self), NULL);

  flush_rebuild (self);
  ed = g_hash_table_lookup (self->by_path, path);
  if (ed == NULL || !gtk_widget_get_visible (ed->message_row))
    return NULL;

  return gtk_label_get_text (GTK_LABEL (ed->message_label));
}
