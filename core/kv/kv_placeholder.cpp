// Placeholder so raftsim_core has a source until core/kv lands; delete it then.
namespace raftsim::kv {}
