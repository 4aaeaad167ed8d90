/* flint-viewport.c: zoom and scroll of the canvas
 *
 * Pure arithmetic on a GObject, so the display suite can check it without a window and
 * the canvas, its minimap and the benchmark share one definition of what is in view.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-canvas"

#include "config.h"

#include <math.h>

#include "flint-viewport.h"

struct _FlintViewport
{
  GObject parent_instance;

  double  zoom;
  double  offset_x;
  double  offset_y;
  double  width;
  double  height;
};

G_DEFINE_FINAL_TYPE (FlintViewport, flint_viewport, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ZOOM,
  PROP_OFFSET_X,
  PROP_OFFSET_Y,
  PROP_WIDTH,
  PROP_HEIGHT,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
flint_viewport_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FlintViewport *self = FLINT_VIEWPORT (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_OFFSET_X:
      g_value_set_double (value, self->offset_x);
      break;
    case PROP_OFFSET_Y:
      g_value_set_double (value, self->offset_y);
      break;
    case PROP_WIDTH:
      g_value_set_double (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_double (value, self->height);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flint_viewport_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FlintViewport *self = FLINT_VIEWPORT (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      flint_viewport_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_OFFSET_X:
      flint_viewport_set_offset (self, g_value_get_double (value), self->offset_y);
      break;
    case PROP_OFFSET_Y:
      flint_viewport_set_offset (self, self->offset_x, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flint_viewport_class_init (FlintViewportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = flint_viewport_get_property;
  object_class->set_property = flint_viewport_set_property;

  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL,
                         FLINT_VIEWPORT_MIN_ZOOM, FLINT_VIEWPORT_MAX_ZOOM, 1.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_OFFSET_X] =
    g_param_spec_double ("offset-x", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_OFFSET_Y] =
    g_param_spec_double ("offset-y", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_WIDTH] =
    g_param_spec_double ("width", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HEIGHT] =
    g_param_spec_double ("height", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
flint_viewport_init (FlintViewport *self)
{
  self->zoom = 1.0;
}

FlintViewport *
flint_viewport_new (void)
{
  return g_object_new (FLINT_TYPE_VIEWPORT, NULL);
}

double
flint_viewport_get_zoom (FlintViewport *self)
{
  g_return_val_if_fail (FLINT_IS_VIEWPORT (self), 1.0);
  return self->zoom;
}

double
flint_viewport_get_offset_x (FlintViewport *self)
{
  g_return_val_if_fail (FLINT_IS_VIEWPORT (self), 0.0);
  return self->offset_x;
}

double
flint_viewport_get_offset_y (FlintViewport *self)
{
  g_return_val_if_fail (FLINT_IS_VIEWPORT (self), 0.0);
  return self->offset_y;
}

double
flint_viewport_get_width (FlintViewport *self)
{
  g_return_val_if_fail (FLINT_IS_VIEWPORT (self), 0.0);
  return self->width;
}

double
flint_viewport_get_height (FlintViewport *self)
{
  g_return_val_if_fail (FLINT_IS_VIEWPORT (self), 0.0);
  return self->height;
}

/* Sets all at once and notifies what moved, then ::changed once. */
static void
update (FlintViewport *self,
        double         zoom,
        double         offset_x,
        double         offset_y,
        double         width,
        double         height)
{
  gboolean changed = FALSE;

  if (!isfinite (zoom) || !isfinite (offset_x) || !isfinite (offset_y))
    return;

  zoom = CLAMP (zoom, FLINT_VIEWPORT_MIN_ZOOM, FLINT_VIEWPORT_MAX_ZOOM);
  g_object_freeze_notify (G_OBJECT (self));

#define SET(field, prop) \
  if (self->field != field) \
    { \
      self->field = field; \
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]); \
      changed = TRUE; \
    }
  SET (zoom, PROP_ZOOM);
  SET (offset_x, PROP_OFFSET_X);
  SET (offset_y, PROP_OFFSET_Y);
  SET (width, PROP_WIDTH);
  SET (height, PROP_HEIGHT);
#undef SET

  g_object_thaw_notify (G_OBJECT (self));

  if (changed)
    g_signal_emit (self, signals[CHANGED], 0);
}

void
flint_viewport_set_size (FlintViewport *self,
                         double         width,
                         double         height)
{
  g_return_if_fail (FLINT_IS_VIEWPORT (self));
  update (self, self->zoom, self->offset_x, self->offset_y, MAX (width, 0), MAX (height, 0));
}

void
flint_viewport_set_offset (FlintViewport *self,
                           double         offset_x,
                           double         offset_y)
{
  g_return_if_fail (FLINT_IS_VIEWPORT (self));
  update (self, self->zoom, offset_x, offset_y, self->width, self->height);
}

void
flint_viewport_set_zoom (FlintViewport *self,
                         double         zoom)
{
  g_return_if_fail (FLINT_IS_VIEWPORT (self));
  update (self, zoom, self->offset_x, self->offset_y, self->width, self->height);
}

void
flint_viewport_pan (FlintViewport *self,
                    double         dx,
                    double         dy)
{
  g_return_if_fail (FLINT_IS_VIEWPORT (self));
  update (self, self->zoom,
          self->offset_x - dx / self->zoom, self->offset_y - dy / self->zoom,
          self->width, self->height);
}

void
flint_viewport_zoom_at (FlintViewport *self,
                        double         zoom,
                        double         wx,
                        double         wy)
{
  double cx, cy;

  g_return_if_fail (FLINT_IS_VIEWPORT (self));

  zoom = CLAMP (zoom, FLINT_VIEWPORT_MIN_ZOOM, FLINT_VIEWPORT_MAX_ZOOM);
  flint_viewport_widget_to_canvas (self, wx, wy, &cx, &cy);
  update (self, zoom, cx - wx / zoom, cy - wy / zoom, self->width, self->height);
}

void
flint_viewport_fit (FlintViewport *self,
                    double         x,
                    double         y,
                    double         width,
                    double         height,
                    double         margin,
                    double         max_zoom)
{
  double avail_w, avail_h, zoom;

  g_return_if_fail (FLINT_IS_VIEWPORT (self));

  avail_w = MAX (self->width - 2 * margin, 1.0);
  avail_h = MAX (self->height - 2 * margin, 1.0);
  zoom = MIN (avail_w / MAX (width, 1.0), avail_h / MAX (height, 1.0));
  zoom = MIN (zoom, max_zoom);
  zoom = CLAMP (zoom, FLINT_VIEWPORT_MIN_ZOOM, FLINT_VIEWPORT_MAX_ZOOM);

  update (self, zoom,
          x + width / 2 - self->width / zoom / 2,
          y + height / 2 - self->height / zoom / 2,
          self->width, self->height);
}

void
flint_viewport_reveal (FlintViewport *self,
                       double         x,
                       double         y,
                       double         width,
                       double         height,
                       double         margin)
{
  double vx, vy, vw, vh, m, ox, oy;

  g_return_if_fail (FLINT_IS_VIEWPORT (self));

  flint_viewport_get_visible (self, &vx, &vy, &vw, &vh);
  m = margin / self->zoom;
  ox = self->offset_x;
  oy = self->offset_y;

  /* Too big to fit: show its top left corner. */
  if (x - m < vx || width + 2 * m > vw)
    ox = x - m;
  else if (x + width + m > vx + vw)
    ox = x + width + m - vw;

  if (y - m < vy || height + 2 * m > vh)
    oy = y - m;
  else if (y + height + m > vy + vh)
    oy = y + height + m - vh;

  update (self, self->zoom, ox, oy, self->width, self->height);
}

void
flint_viewport_widget_to_canvas (FlintViewport *self,
                                 double         wx,
                                 double         wy,
                                 double        *cx,
                                 double        *cy)
{
  g_return_if_fail (FLINT_IS_VIEWPORT (self));

  if (cx != NULL)
    *cx = wx / self->zoom + self->offset_x;
  if (cy != NULL)
    *cy = wy / self->zoom + self->offset_y;
}

void
flint_viewport_canvas_to_widget (FlintViewport *self,
                                 double         cx,
                                 double         cy,
                                 double        *wx,
                                 double        *wy)
{
  g_return_if_fail (FLINT_IS_VIEWPORT (self));

  if (wx != NULL)
    *wx = (cx - self->offset_x) * self->zoom;
  if (wy != NULL)
    *wy = (cy - self->offset_y) * self->zoom;
}

void
flint_viewport_get_visible (FlintViewport *self,
                            double        *x,
                            double        *y,
                            double        *width,
                            double        *height)
{
  g_return_if_fail (FLINT_IS_VIEWPORT (self));

  if (x != NULL)
    *x = self->offset_x;
  if (y != NULL)
    *y = self->offset_y;
  if (width != NULL)
    *width = self->width / self->zoom;
  if (height != NULL)
    *height = self->height / self->zoom;
}
