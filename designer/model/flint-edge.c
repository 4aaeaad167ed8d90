/* flint-edge.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-model"

#include "config.h"

#include "flint-edge.h"

struct _FlintEdge
{
  GObject parent_instance;
  char *from_node;
  char *from_port;
  char *to_node;
  char *to_port;
  guint line;
};

G_DEFINE_FINAL_TYPE (FlintEdge, flint_edge, G_TYPE_OBJECT)

static void
flint_edge_finalize (GObject *object)
{
  FlintEdge *self = (FlintEdge *) object;

  g_free (self->from_node);
  g_free (self->from_port);
  g_free (self->to_node);
  g_free (self->to_port);

  G_OBJECT_CLASS (flint_edge_parent_class)->finalize (object);
}

static void
flint_edge_class_init (FlintEdgeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = flint_edge_finalize;
}

static void
flint_edge_init (FlintEdge *self)
{
}

FlintEdge *
flint_edge_new (const char *from_node,
                const char *from_port,
                const char *to_node,
                const char *to_port)
{
  FlintEdge *self;

  g_return_val_if_fail (from_node != NULL, NULL);
  g_return_val_if_fail (from_port != NULL, NULL);
  g_return_val_if_fail (to_node != NULL, NULL);
  g_return_val_if_fail (to_port != NULL, NULL);

  self = g_object_new (FLINT_TYPE_EDGE, NULL);
  self->from_node = g_strdup (from_node);
  self->from_port = g_strdup (from_port);
  self->to_node = g_strdup (to_node);
  self->to_port = g_strdup (to_port);

  return self;
}

const char *
flint_edge_get_from_node (FlintEdge *self)
{
  g_return_val_if_fail (FLINT_IS_EDGE (self), NULL);
  return self->from_node;
}

const char *
flint_edge_get_from_port (FlintEdge *self)
{
  g_return_val_if_fail (FLINT_IS_EDGE (self), NULL);
  return self->from_port;
}

const char *
flint_edge_get_to_node (FlintEdge *self)
{
  g_return_val_if_fail (FLINT_IS_EDGE (self), NULL);
  return self->to_node;
}

const char *
flint_edge_get_to_port (FlintEdge *self)
{
  g_return_val_if_fail (FLINT_IS_EDGE (self), NULL);
  return self->to_port;
}

guint
flint_edge_get_line (FlintEdge *self)
{
  g_return_val_if_fail (FLINT_IS_EDGE (self), 0);
  return self->line;
}

void
flint_edge_set_line (FlintEdge *self,
                     guint      line)
{
  g_return_if_fail (FLINT_IS_EDGE (self));
  self->line = line;
}

gboolean
flint_edge_equal (FlintEdge *a,
                  FlintEdge *b)
{
  return g_str_equal (a->from_node, b->from_node) &&
         g_str_equal (a->from_port, b->from_port) &&
         g_str_equal (a->to_node, b->to_node) &&
         g_str_equal (a->to_port, b->to_port);
}
