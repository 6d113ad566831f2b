using Sizing.Api.Contracts.Estimates;
using Sizing.Domain;
using Sizing.Domain.Catalog;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Fidelity;
using Sizing.Domain.Units;
using CollectiveModel = Sizing.Domain.Communication.Collectives;

namespace Sizing.Api.Contracts.Collectives;

/// <summary>A validated collective request with its catalog id resolved and defaults applied.</summary>
public sealed record CollectiveInput(
    CollectiveOperation Operation,
    Topology Topology,
    int GpuCount,
    Bytes MessageBytes,
    CollectiveImplementation Implementation,
    NcclAlgorithm? Algorithm);

public static class CollectiveMapping
{
    public static CollectiveInput ToInput(this CollectiveRequest request, HardwareCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(catalog);
        var gpu = catalog.FindGpu(request.Gpu!)!;
        var topology = new Topology(
            gpu,
            request.GpusPerNode ?? gpu.Node.GpusPerNode,
            LinkRules.IntraNodeOrDefault(gpu, request.IntraNode),
            LinkRules.InterNodeOrDefault(request.InterNode),
            request.NicsPerNode,
            request.NicGbps);
        return new CollectiveInput(
            request.Operation!.Value,
            topology,
            request.GpuCount!.Value,
            new Bytes(request.MessageBytes!.Value),
            request.Implementation ?? CollectiveImplementation.Nccl,
            request.Algorithm);
    }

    public static CollectiveResponse ToResponse(this CollectiveEstimate estimate, CollectiveInput input, CommunicationAssumptions assumptions)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(assumptions);
        return new CollectiveResponse(
            Round(estimate.Time.Microseconds),
            Round(estimate.AlgorithmBandwidth.GBps),
            Round(estimate.BusBandwidth.GBps),
            estimate.Algorithm,
            EnumText.Of(estimate.Implementation),
            estimate.Nodes,
            Round(estimate.LatencyFloor.Microseconds),
            Round(CollectiveModel.BusFactor(input.Operation, input.GpuCount)),
            Uncertainty(estimate, input),
            [.. assumptions.Concerning(input.Topology, estimate.Nodes > 1).Select(a => a.ToResponse())]);
    }

    private static CollectiveUncertaintyResponse Uncertainty(CollectiveEstimate estimate, CollectiveInput input)
    {
        var band = ErrorBands.ForCollective(estimate.Implementation, input.Topology.Gpu);
        return new CollectiveUncertaintyResponse(band.Around(estimate.Time.Microseconds), band.Inverse().Around(estimate.BusBandwidth.GBps));
    }

    private static double Round(double value) => Math.Round(value, 3);
}
