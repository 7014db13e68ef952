// Placeholder so raftsim_history has a source until the checker lands; delete it then.
namespace raftsim::history {}
