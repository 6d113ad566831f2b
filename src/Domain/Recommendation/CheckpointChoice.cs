using Sizing.Domain.Architecture;
using Sizing.Domain.Catalog;
using Sizing.Domain.Deployment;

namespace Sizing.Domain.Recommendation;

/// <summary>Which checkpoint an engine loads for a plan, and in which format.</summary>
/// <param name="Checkpoint">The catalog checkpoint it loads; null when none fits.</param>
/// <param name="Format">The format the plan's weights are in: the checkpoint's, or the one assumed for a checkpoint the user makes.</param>
internal sealed record CheckpointChoice(Checkpoint? Checkpoint, WeightFormat Format)
{
    /// <summary>The first catalog checkpoint (catalog order is preference order) that serves the precision on this GPU's
    /// vendor, that the engine loads and can run there; otherwise the assumed format with no checkpoint.</summary>
    public static CheckpointChoice For(
        ModelArchitecture model, IReadOnlyList<Checkpoint> checkpoints, GpuSpec gpu, Engine engine, Precision weights)
    {
        foreach (var checkpoint in checkpoints)
        {
            if (checkpoint.Serves(model, weights, gpu.Vendor) && PrecisionSupport.Loads(engine, checkpoint.QuantMethod)
                && PrecisionSupport.WeightProblem(gpu, engine, checkpoint.Format) is null)
            {
                return new CheckpointChoice(checkpoint, checkpoint.Format);
            }
        }

        return new CheckpointChoice(null, PrecisionSupport.AssumedFormat(model, weights));
    }
}
