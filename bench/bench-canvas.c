/* bench-canvas.c: frame times of the canvas on large graphs, and startup to first frame
 *
 *   bench-canvas [--sizes 100,1000,5000] [--frames N] [--repeat N] [--markdown] [--strict]
 *   bench-canvas --startup bare|canvas    (a child run: prints when its first frame painted)
 *
 * A frame is timed as GTK makes one: the canvas's snapshot into a GtkSnapshot (culling,
 * render nodes) and the window's renderer turning the node into pixels
 * (gsk_renderer_render_texture), under Xvfb as ./flint-dev runs it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-bench"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <adwaita.h>

#include "flint-canvas-private.h"

#define VIEW_WIDTH  1280
#define VIEW_HEIGHT 720

static char *opt_sizes = NULL;
static int opt_frames = 60;
static int opt_repeat = 5;
static gboolean opt_markdown;
static gboolean opt_strict;
static char *opt_startup;

static const GOptionEntry entries[] = {
  { "sizes", 0, 0, G_OPTION_ARG_STRING, &opt_sizes, "Node counts (multiples of 10)", "N,..." },
  { "frames", 0, 0, G_OPTION_ARG_INT, &opt_frames, "Frames per measurement", "N" },
  { "repeat", 0, 0, G_OPTION_ARG_INT, &opt_repeat, "Runs of each measurement (median)", "N" },
  { "markdown", 0, 0, G_OPTION_ARG_NONE, &opt_markdown, "Print Markdown tables", NULL },
  { "strict", 0, 0, G_OPTION_ARG_NONE, &opt_strict, "Exit 2 when a goal is missed", NULL },
  { "startup", 0, 0, G_OPTION_ARG_STRING, &opt_startup, "Child mode: bare or canvas", "MODE" },
  { NULL }
};

/* A pipeline of @n nodes in 10-node blocks laid out on a grid of blocks, as a user's
 * large pipeline looks: sources, a union, filters, a join, an aggregate, sinks. */
static FlintPipeline *
build_pipeline (guint n)
{
  static const struct { const char *id; const char *kind; int col; int row; } block[] = {
    { "orders_eu", "source.parquet", 0, 0 },
    { "orders_us", "source.parquet", 0, 1 },
    { "customers", "source.csv", 0, 2 },
    { "all_orders", "transform.union", 1, 0 },
    { "valid", "transform.filter", 2, 0 },
    { "adults", "transform.filter", 1, 2 },
    { "priced", "transform.derive", 3, 0 },
    { "enriched", "transform.join", 4, 1 },
    { "daily", "transform.aggregate", 5, 1 },
    { "daily_out", "sink.parquet", 6, 1 },
  };
  static const struct { int from; int to; const char *port; } links[] = {
    { 0, 3, NULL }, { 1, 3, NULL }, { 3, 4, NULL }, { 4, 6, NULL }, { 2, 5, NULL },
    { 6, 7, "left" }, { 5, 7, "right" }, { 7, 8, NULL }, { 8, 9, NULL },
  };
  FlintCatalog *catalog = flint_catalog_get_default ();
  FlintPipeline *pipeline = flint_pipeline_new (catalog);
  guint blocks = n / 10, cols = MAX (1, (guint) ceil (sqrt (blocks * 0.6)));

  for (guint b = 0; b < blocks; b++)
    {
      double bx = (b % cols) * 7 * 260.0 + 80, by = (b / cols) * 3 * 130.0 + 120 * (b / cols) + 80;

      for (guint i = 0; i < G_N_ELEMENTS (block); i++)
        {
          g_autofree char *id = g_strdup_printf ("%s_%u", block[i].id, b);
          g_autoptr(FlintNode) node = flint_node_new (id, flint_catalog_lookup (catalog, block[i].kind));

          flint_node_set_position (node, bx + block[i].col * 260.0, by + block[i].row * 130.0);
          flint_node_set_string (node, "path", "s3a://data/warehouse/orders/");
          flint_pipeline_add_node (pipeline, node, NULL);
        }
      for (guint i = 0; i < G_N_ELEMENTS (links); i++)
        {
          g_autofree char *from = g_strdup_printf ("%s_%u", block[links[i].from].id, b);
          g_autofree char *to = g_strdup_printf ("%s_%u", block[links[i].to].id, b);

          flint_pipeline_connect (pipeline, from, NULL, to, links[i].port, NULL);
        }
    }
  return pipeline;
}

static void
iterate (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

typedef struct
{
  double snapshot_ms;
  double render_ms;
  double total_ms;
  guint  nodes_painted;
  gboolean far;
} Frame;

/* One frame: the canvas's snapshot, then the window's renderer. */
static void
time_frame (GtkWidget   *canvas,
            GskRenderer *renderer,
            Frame       *frame)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  GdkTexture *texture;
  gint64 t0, t1, t2;
  guint n_edges;

  t0 = g_get_monotonic_time ();
  GTK_WIDGET_GET_CLASS (canvas)->snapshot (canvas, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  t1 = g_get_monotonic_time ();
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, VIEW_WIDTH, VIEW_HEIGHT));
  /* Download: the frame is done when its pixels are. */
  {
    static guchar *pixels;
    if (pixels == NULL)
      pixels = g_malloc (VIEW_WIDTH * VIEW_HEIGHT * 4);
    gdk_texture_download (texture, pixels, VIEW_WIDTH * 4);
  }
  t2 = g_get_monotonic_time ();
  g_object_unref (texture);
  gsk_render_node_unref (node);

  frame->snapshot_ms += (t1 - t0) / 1000.0;
  frame->render_ms += (t2 - t1) / 1000.0;
  frame->total_ms += (t2 - t0) / 1000.0;
  flint_canvas_get_paint_stats (FLINT_CANVAS (canvas), &frame->nodes_painted, &n_edges, &frame->far);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

typedef enum
{
  SCENE_PAN,      /* 100% zoom, panning across the middle of the graph */
  SCENE_ZOOM,     /* zooming in and out around 100% at the pointer */
  SCENE_WHOLE,    /* zoomed out to show everything, panning a little */
  N_SCENES
} Scene;

typedef Frame SceneFrames[N_SCENES];

static const char *scene_names[] = { "pan at 100%", "zoom around 100%", "whole graph" };

/* The median over runs of the mean frame of a run of opt_frames frames. */
static Frame
measure (GtkWidget   *canvas,
         GskRenderer *renderer,
         Scene        scene)
{
  FlintViewport *vp = flint_canvas_get_viewport (FLINT_CANVAS (canvas));
  g_autoptr(GArray) totals = g_array_new (FALSE, FALSE, sizeof (Frame));
  FlintRect bounds;
  Frame result = { 0, };
  double *keys;

  flint_canvas_get_bounds (FLINT_CANVAS (canvas), &bounds);

  for (int r = 0; r < opt_repeat + 1; r++)
    {
      Frame run = { 0, };

      for (int i = 0; i < opt_frames; i++)
        {
          switch (scene)
            {
            case SCENE_PAN:
              flint_viewport_set_zoom (vp, 1.0);
              flint_viewport_set_offset (vp,
                                         bounds.x + MIN (bounds.width, 3000) / 2 - VIEW_WIDTH / 2 + i * 9.0,
                                         bounds.y + MIN (bounds.height, 3000) / 2 - VIEW_HEIGHT / 2 + i * 4.0);
              break;
            case SCENE_ZOOM:
              flint_viewport_set_zoom (vp, 1.0);
              flint_viewport_set_offset (vp,
                                         bounds.x + MIN (bounds.width, 3000) / 2 - VIEW_WIDTH / 2,
                                         bounds.y + MIN (bounds.height, 3000) / 2 - VIEW_HEIGHT / 2);
              flint_viewport_zoom_at (vp, 0.6 + 0.8 * fabs (sin (i * 0.2)), 500, 300);
              break;
            case SCENE_WHOLE:
            case N_SCENES:
            default:
              flint_canvas_zoom_to_fit (FLINT_CANVAS (canvas));
              flint_viewport_pan (vp, (i % 10) - 5.0, (i % 7) - 3.0);
              break;
            }
          time_frame (canvas, renderer, &run);
        }

      /* The first run warms caches (text layouts, icons, glyphs) and is not counted. */
      if (r == 0)
        continue;
      run.snapshot_ms /= opt_frames;
      run.render_ms /= opt_frames;
      run.total_ms /= opt_frames;
      g_array_append_val (totals, run);
    }

  /* Median by total. */
  keys = g_new (double, totals->len);
  for (guint i = 0; i < totals->len; i++)
    keys[i] = g_array_index (totals, Frame, i).total_ms;
  qsort (keys, totals->len, sizeof (double), (int (*) (const void *, const void *)) compare_double);
  for (guint i = 0; i < totals->len; i++)
    if (g_array_index (totals, Frame, i).total_ms == keys[totals->len / 2])
      result = g_array_index (totals, Frame, i);
  g_free (keys);
  return result;
}

/* Startup: a child process that exits when its window's first frame has painted. */

static void
on_after_paint (GdkFrameClock *clock,
                GApplication  *app)
{
  printf ("%" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  fflush (stdout);
  g_signal_handlers_disconnect_by_func (clock, on_after_paint, app);
  g_application_quit (app);
}

static void
on_window_realize (GtkWidget    *window,
                   GApplication *app)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), app);
}

static void
startup_activate (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  if (g_str_equal (opt_startup, "canvas"))
    {
      g_autofree char *path = g_build_filename (g_getenv ("FLINT_SOURCE_ROOT") ? g_getenv ("FLINT_SOURCE_ROOT") : ".",
                                                "data", "examples", "customer-join.flint.yaml", NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autoptr(FlintPipeline) pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);
      g_autoptr(FlintHistory) history = NULL;
      g_autoptr(FlintValidator) validator = NULL;
      GtkWidget *canvas = flint_canvas_new ();

      if (pipeline == NULL)
        g_error ("%s", error->message);
      history = flint_history_new (pipeline);
      validator = flint_validator_new (pipeline);
      flint_canvas_set_history (FLINT_CANVAS (canvas), history);
      flint_canvas_set_validator (FLINT_CANVAS (canvas), validator);
      gtk_widget_set_vexpand (canvas, TRUE);
      gtk_box_append (GTK_BOX (box), canvas);
    }
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), VIEW_WIDTH, VIEW_HEIGHT);
  g_signal_connect (window, "realize", G_CALLBACK (on_window_realize), app);
  gtk_window_present (GTK_WINDOW (window));
}

static int
run_startup_child (void)
{
  g_autoptr(AdwApplication) app = adw_application_new ("io.github.flintspark.Flint.Bench", G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (startup_activate), NULL);
  return g_application_run (G_APPLICATION (app), 0, NULL);
}

/* Milliseconds from spawning the child to its first painted frame, median of runs. */
static double
time_startup (const char *self_path,
              const char *mode)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

  for (int r = 0; r < opt_repeat + 1; r++)
    {
      const char *argv[] = { self_path, "--startup", mode, NULL };
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;
      int status;
      gint64 start = g_get_monotonic_time (), painted;
      double ms;

      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error) ||
          !g_spawn_check_wait_status (status, &error))
        g_error ("startup child: %s", error->message);
      painted = g_ascii_strtoll (out, NULL, 10);
      ms = (painted - start) / 1000.0;
      if (r > 0)
        g_array_append_val (times, ms);
    }
  g_array_sort (times, compare_double);
  return g_array_index (times, double, times->len / 2);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the canvas");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) sizes = NULL;
  GskRenderer *renderer;
  GtkWidget *window, *canvas;
  guint n_sizes;
  SceneFrames *results;
  double bare_ms, canvas_ms;
  gboolean missed = FALSE;
  double pan_ratio, whole_ratio;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (opt_startup != NULL)
    return run_startup_child ();

  if (!gtk_init_check ())
    {
      g_printerr ("bench-canvas: no display (run under xvfb-run)\n");
      return 77;
    }
  adw_init ();

  sizes = g_strsplit (opt_sizes ? opt_sizes : "100,1000,5000", ",", -1);
  n_sizes = g_strv_length (sizes);
  results = g_new0 (SceneFrames, n_sizes);

  window = gtk_window_new ();
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), VIEW_WIDTH, VIEW_HEIGHT);
  canvas = flint_canvas_new ();
  gtk_window_set_child (GTK_WINDOW (window), canvas);
  gtk_window_present (GTK_WINDOW (window));
  while (gtk_widget_get_width (canvas) != VIEW_WIDTH)
    g_main_context_iteration (NULL, TRUE);
  iterate ();
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_printerr ("renderer: %s\n", G_OBJECT_TYPE_NAME (renderer));

  for (guint s = 0; s < n_sizes; s++)
    {
      guint n = (guint) g_ascii_strtoull (sizes[s], NULL, 10);
      g_autoptr(FlintPipeline) pipeline = build_pipeline (n);
      g_autoptr(FlintHistory) history = flint_history_new (pipeline);

      flint_canvas_set_history (FLINT_CANVAS (canvas), history);
      iterate ();
      for (int sc = 0; sc < N_SCENES; sc++)
        {
          results[s][sc] = measure (canvas, renderer, sc);
          g_printerr ("%6u nodes, %-17s %7.3f ms/frame (snapshot %.3f, render %.3f), %u nodes painted%s\n",
                      n, scene_names[sc], results[s][sc].total_ms, results[s][sc].snapshot_ms,
                      results[s][sc].render_ms, results[s][sc].nodes_painted, results[s][sc].far ? " (far)" : "");
        }
      flint_canvas_set_history (FLINT_CANVAS (canvas), NULL);
    }

  bare_ms = time_startup (argv[0], "bare");
  canvas_ms = time_startup (argv[0], "canvas");

  if (opt_markdown)
    {
      printf ("| nodes | scene | frame ms | snapshot ms | render ms | nodes painted | detail |\n");
      printf ("|---:|---|---:|---:|---:|---:|---|\n");
      for (guint s = 0; s < n_sizes; s++)
        for (int sc = 0; sc < N_SCENES; sc++)
          printf ("| %s | %s | %.3f | %.3f | %.3f | %u | %s |\n", sizes[s], scene_names[sc],
                  results[s][sc].total_ms, results[s][sc].snapshot_ms, results[s][sc].render_ms,
                  results[s][sc].nodes_painted, results[s][sc].far ? "rectangles" : "cards");
      printf ("\n| startup to first frame | ms |\n|---|---:|\n");
      printf ("| bare AdwApplicationWindow | %.1f |\n", bare_ms);
      printf ("| window with the canvas on customer-join | %.1f |\n", canvas_ms);
      printf ("| canvas / bare | %.2fx |\n\n", canvas_ms / bare_ms);
    }
  else
    printf ("startup to first frame: bare window %.1f ms, with the canvas %.1f ms (%.2fx)\n",
            bare_ms, canvas_ms, canvas_ms / bare_ms);

  /* The goals compare the largest size with the smallest. */
  pan_ratio = results[n_sizes - 1][SCENE_PAN].total_ms / results[0][SCENE_PAN].total_ms;
  whole_ratio = results[n_sizes - 1][SCENE_WHOLE].total_ms / results[0][SCENE_WHOLE].total_ms;
  missed = pan_ratio > 1.5 || whole_ratio > 4.0;
  if (opt_markdown)
    {
      printf ("| ratio | measured | goal | verdict |\n|---|---:|---:|---|\n");
      printf ("| pan at 100%% (%s / %s) | %.2fx | <= 1.5x | %s |\n", sizes[n_sizes - 1], sizes[0], pan_ratio,
              pan_ratio <= 1.5 ? "**PASS**" : "**MISS**");
      printf ("| whole graph (%s / %s) | %.2fx | <= 4x | %s |\n", sizes[n_sizes - 1], sizes[0], whole_ratio,
              whole_ratio <= 4.0 ? "**PASS**" : "**MISS**");
      printf ("| zoom around 100%% (%s / %s) | %.2fx | (info) | |\n", sizes[n_sizes - 1], sizes[0],
              results[n_sizes - 1][SCENE_ZOOM].total_ms / results[0][SCENE_ZOOM].total_ms);
    }
  else
    printf ("pan ratio %.2fx (goal <= 1.5x), whole-graph ratio %.2fx (goal <= 4x)\n", pan_ratio, whole_ratio);

  gtk_window_destroy (GTK_WINDOW (window));
  g_free (results);
  return opt_strict && missed ? 2 : 0;
}
