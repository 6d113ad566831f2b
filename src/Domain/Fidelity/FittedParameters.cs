using System.Collections.Frozen;
using System.Globalization;
using Sizing.Domain.Communication;
using Sizing.Domain.Deployment;
using Sizing.Domain.Memory;
using Sizing.Domain.Performance;
using Sizing.Domain.Units;

namespace Sizing.Domain.Fidelity;

/// <summary>
/// The registry of every constant fitted to measured rows. benchmarks/Fidelity fits each group (within the ranges, from the
/// priors) on the rows its FitGroups entry names, and cross-validates the fits source by source; the service answers with
/// the fits on all rows (Data/fits.json). Constants not listed here are measured facts or assumptions, and say so.
/// </summary>
/// <remarks>
/// How the constants were classified is in docs/calibration.md: a value read off a row that the fidelity program scores
/// is a fit to that row, so it is refitted without that row's source when that source is held out.
/// </remarks>
public static class FittedParameters
{
    public static IReadOnlyList<FittedParameter> All { get; } = Build();

    private static readonly FrozenDictionary<string, FittedParameter> ByKey = All.ToFrozenDictionary(p => p.Key, StringComparer.Ordinal);

    /// <summary>The parameter with this key, or null.</summary>
    public static FittedParameter? Find(string key) => ByKey.GetValueOrDefault(key);

    /// <summary>The group names, in registry order.</summary>
    public static IReadOnlyList<string> Groups { get; } = [.. All.Select(p => p.Group).Distinct(StringComparer.Ordinal)];

    /// <summary>The group every single-stage serving row fits: the engine costs and the sustained compute share, together, since
    /// every serving figure depends on the compute share and on its engine's costs.</summary>
    public const string ServingGroup = "serving";

    public const string SustainedComputeShareKey = "performance.sustainedComputeShare";

    public const string PipelineSkewKey = "performance.pipelineSkew";

    /// <summary>The key of one engine's profile field.</summary>
    public static string ProfileKey(Engine engine, string field) => EnumText.Of(engine) + "." + field;

    private static List<FittedParameter> Build()
    {
        var all = new List<FittedParameter>();
        all.AddRange(Communication());
        all.AddRange(Memory());
        all.Add(new(SustainedComputeShareKey, "sustainedComputeShare", ServingGroup, "fraction of the GPU's GEMM throughput", 0.4, 1.0,
            AssumptionBasis.Assumption, "prior 1: the probe's isolated large-M GEMM throughput holds over a whole forward pass",
            "share of the isolated GEMM throughput a forward pass sustains (clocks under load; norms, activations, quantisation and rotary kernels that scale with the tokens)",
            a => a.Performance.SustainedComputeShare, (a, v) => a with { Performance = a.Performance with { SustainedComputeShare = v } }));

        // vLLM and SGLang keep their priors (PerformanceAssumptions.ServingPrior): left one publisher group out, no value of the
        // per-sequence cost or the request overhead was chosen consistently (docs/physics.md).

        foreach (var engine in new[] { Engine.Trtllm, Engine.Lmdeploy, Engine.Generic })
        {
            all.Add(Profile(engine, "stepOverheadUs", "us", 20, 3000, p => p.StepOverheadUs, (p, v) => p with { StepOverheadUs = v }, EngineProfile.StepOverheadMeaning));
            all.Add(Profile(engine, "sequenceStepUs", "us", 0.1, 300, p => p.SequenceStepUs, (p, v) => p with { SequenceStepUs = v }, EngineProfile.SequenceStepMeaning));
            all.Add(Profile(engine, "layerFloorUs", "us", 1, 40, p => p.LayerFloorUs, (p, v) => p with { LayerFloorUs = v }, EngineProfile.LayerFloorMeaning));
            all.Add(Profile(engine, "requestOverheadUs", "us", 100, 50_000, p => p.RequestOverheadUs, (p, v) => p with { RequestOverheadUs = v }, EngineProfile.RequestOverheadMeaning));
        }

        all.Add(new(PipelineSkewKey, "pipelineSkew", "pipeline", "fraction per micro-batch", 0.001, 0.3,
            AssumptionBasis.Assumption, "prior 0.02: nearly equal micro-batches",
            "micro-batches carry unequal prompt chunks, so every stage waits for the slowest: cycle = p·T_stage·(1 + skew·(m − 1))",
            a => a.Performance.PipelineSkew, (a, v) => a with { Performance = a.Performance with { PipelineSkew = v } }));
        return all;
    }

    /// <summary>One engine-profile field, fitted from the planning prior within a physical range: engines with CUDA graphs spend
    /// well under a few milliseconds per step outside kernels, a layer's small kernels cost a few µs each, an API server tens
    /// of milliseconds at most.</summary>
    private static FittedParameter Profile(Engine engine, string field, string unit, double low, double high,
        Func<EngineProfile, double> get, Func<EngineProfile, double, EngineProfile> set, string meaning) =>
        new(ProfileKey(engine, field), field, ServingGroup, unit, low, high, AssumptionBasis.Assumption,
            string.Create(CultureInfo.InvariantCulture, $"planning prior {get(EngineProfile.Planning)} {unit}"), meaning,
            a => get(a.Performance.For(engine)),
            (a, v) => a with { Performance = a.Performance.With(engine, set(a.Performance.For(engine), v)) });

    private static IEnumerable<FittedParameter> Memory()
    {
        const string group = "memory.vllm";
        FittedParameter GiB(string name, double low, double high, string prior, string meaning, Func<MemoryAssumptions, Bytes> get, Func<MemoryAssumptions, Bytes, MemoryAssumptions> set) =>
            new("memory." + name, name, group, "GiB", low, high, AssumptionBasis.Assumption, prior, meaning,
                a => get(a.Memory).GiB, (a, v) => a with { Memory = set(a.Memory, Bytes.FromGiB(v)) });

        yield return GiB("nonTorchBaseGiB", 0.02, 1.0, "prior 0.25 GiB",
            "non-torch memory of a single-GPU replica inside vLLM's budget before 0.12 (and other engines): allocator and library workspaces",
            m => m.NonTorchBase, (m, v) => m with { NonTorchBase = v });
        yield return GiB("nonTorchBaseRecentGiB", 0.02, 1.0, "prior 0.25 GiB, as before 0.12",
            "non-torch memory of a single-GPU replica inside vLLM 0.12+'s budget",
            m => m.NonTorchBaseRecent, (m, v) => m with { NonTorchBaseRecent = v });
        yield return GiB("ncclCommunicatorGiB", 0.01, 1.0, "prior 0.1 GiB",
            "an NCCL communicator's buffers once the replica spans GPUs",
            m => m.NcclCommunicator, (m, v) => m with { NcclCommunicator = v });
        yield return GiB("customAllReduceBuffersGiB", 0.02, 2.0, "prior 0.4 GiB (with NCCL's 0.1, the 0.5 GiB multi-GPU prior)",
            "vLLM's custom all-reduce IPC buffers where peer access allows it",
            m => m.CustomAllReduceBuffers, (m, v) => m with { CustomAllReduceBuffers = v });
        yield return GiB("symmetricMemoryAllReduceBuffersGiB", 0.05, 4.0, "prior 1 GiB",
            "vLLM 0.11+'s torch symmetric-memory all-reduce buffers on NVSwitch Hopper and Blackwell nodes (vllm#24111)",
            m => m.SymmetricMemoryAllReduceBuffers, (m, v) => m with { SymmetricMemoryAllReduceBuffers = v });
        yield return new("memory.samplerBytesPerSequencePerVocab", "samplerBytesPerSequencePerVocab", group, "bytes", 4, 100,
            AssumptionBasis.Assumption, "prior 24 B: fp32 logits and probabilities plus sort buffers",
            "bytes the full-sort sampler warm-up (vLLM V0, V1 before 0.11) allocates per sequence and vocabulary entry",
            a => a.Memory.SamplerBytesPerSequencePerVocab, (a, v) => a with { Memory = a.Memory with { SamplerBytesPerSequencePerVocab = v } });
        yield return new("memory.lightSamplerBytesPerSequencePerVocab", "lightSamplerBytesPerSequencePerVocab", group, "bytes", 2, 60,
            AssumptionBasis.Assumption, "prior 12 B: fp32 logits, probabilities and noise, no sort",
            "bytes the lighter sampler warm-up of vLLM 0.11+ allocates per sequence and vocabulary entry",
            a => a.Memory.LightSamplerBytesPerSequencePerVocab, (a, v) => a with { Memory = a.Memory with { LightSamplerBytesPerSequencePerVocab = v } });
        yield return new("memory.hiddenBytesPerTokenPerUnit", "hiddenBytesPerTokenPerUnit", group, "bytes", 0.5, 16,
            AssumptionBasis.Assumption, "prior 2 B: one 16-bit hidden-state buffer",
            "hidden-state bytes per batched token and hidden unit kept alive during the sampler warm-up",
            a => a.Memory.HiddenBytesPerTokenPerUnit, (a, v) => a with { Memory = a.Memory with { HiddenBytesPerTokenPerUnit = v } });
        yield return new("memory.mxfp4IntermediateAlignment", "mxfp4IntermediateAlignment", group, "elements", 64, 256,
            AssumptionBasis.Measured, "prior 64: vLLM mxfp4.py rounds the expert intermediate size up to 64 on CUDA, to 256 under its FlashInfer MXFP4 and Hopper kernels",
            "alignment vLLM pads each MXFP4 expert's intermediate dimension to",
            a => a.Memory.Mxfp4IntermediateAlignment, (a, v) => a with { Memory = a.Memory with { Mxfp4IntermediateAlignment = (int)v } },
            [64, 128, 256]);
    }

    /// <summary>The key part of a fabric class's fitted step latency and efficiency: InfiniBand HDR shares NDR's (<c>infiniband</c> is
    /// NDR), GPUDirect-TCPXO TCPX's. One parameter writes every class it covers, so no two parameters set one profile.</summary>
    public static string FabricParameterKey(InterNodeLink link) => link switch
    {
        InterNodeLink.InfiniBand or InterNodeLink.InfiniBandNdr or InterNodeLink.InfiniBandHdr => "infiniband",
        InterNodeLink.Tcpx or InterNodeLink.Tcpxo => "gpudirect-tcp",
        _ => EnumText.Of(link),
    };

    /// <summary>The fit group of a fabric class's constants.</summary>
    public static string FabricGroup(InterNodeLink link) => "collective." + FabricParameterKey(link);

    private static IEnumerable<FittedParameter> Fabrics()
    {
        // One parameter per fitted fabric constant; a class that shares another's (HDR with NDR, TCPXO with TCPX) is set with it.
        foreach (var fabric in Enum.GetValues<InterNodeLink>().GroupBy(FabricParameterKey, StringComparer.Ordinal))
        {
            var key = fabric.Key;
            var links = fabric.ToList();
            var first = links[0];
            var name = CommunicationAssumptions.FabricKey(first);
            var prior = new CommunicationAssumptions().For(first);
            var (stepBasis, stepSource) = first == InterNodeLink.Efa
                ? (AssumptionBasis.Measured, "prior 16 us: dstack#3961, 2 x p6-b200 (EFA v4) 8 B all-reduce 50.6 us = 18 us inside the nodes + 2 x 16 us")
                : (AssumptionBasis.Assumption, string.Create(CultureInfo.InvariantCulture, $"prior {prior.StepLatencyUs} us"));
            var shared = links.Count > 1 ? $" ({string.Join(" and ", links.Select(CommunicationAssumptions.FabricKey))} alike [A])" : string.Empty;
            yield return new($"communication.{key}.step-latency", $"communication.{name}.step-latency", FabricGroup(first), "us", 2, 200,
                stepBasis, stepSource, "latency of one inter-node step (a network hop including the proxy)" + shared,
                a => a.Communication.For(first).StepLatencyUs,
                (a, v) => a with { Communication = links.Aggregate(a.Communication, (c, l) => c.With(l, c.For(l) with { StepLatencyUs = v })) });
            yield return new($"communication.{key}.efficiency", $"communication.{name}.efficiency", FabricGroup(first), "fraction of line rate", 0.3, 0.98,
                AssumptionBasis.Assumption, string.Create(CultureInfo.InvariantCulture, $"prior {prior.Efficiency}"), "achievable fraction of the NIC line rate" + shared,
                a => a.Communication.For(first).Efficiency,
                (a, v) => a with { Communication = links.Aggregate(a.Communication, (c, l) => c.With(l, c.For(l) with { Efficiency = v })) });
        }

        // Only send-recv rows across nodes see it; in the sets they run over InfiniBand-class fabrics, so it is fitted with them.
        yield return new("communication.p2p.network-share", "communication.p2p.network-share", FabricGroup(InterNodeLink.InfiniBand), "fraction of a GPU's network bandwidth", 0.2, 1,
            AssumptionBasis.Assumption, "prior 1: a peer connection as fast as a collective",
            "share of a GPU's network bandwidth one NCCL point-to-point connection reaches (send-recv across nodes; NCCL_NCHANNELS_PER_NET_PEER)",
            a => a.Communication.NetworkPeerToPeerShare, (a, v) => a with { Communication = a.Communication with { NetworkPeerToPeerShare = v } });
    }

    private static IEnumerable<FittedParameter> Communication()
    {
        const string nvswitch = "collective.nvswitch";
        yield return new("communication.nccl.launch-latency", "communication.nccl.launch-latency", nvswitch, "us", 1, 20,
            AssumptionBasis.Assumption, "prior 5 us", "fixed cost of one NCCL collective (kernel launch, first synchronisation)",
            a => a.Communication.NcclLaunchLatencyUs, (a, v) => a with { Communication = a.Communication with { NcclLaunchLatencyUs = v } });
        yield return Step("nvswitch", nvswitch, 0.3, 5, "prior 1.5 us", c => c.NvSwitch, (c, l) => c with { NvSwitch = l });
        yield return new("communication.ramp.latency-multiple", "communication.ramp.latency-multiple", nvswitch, "ratio", 0.1, 10,
            AssumptionBasis.Assumption, "prior 1: busbw reaches half its plateau at one bandwidth-delay product",
            "κ: the half-bandwidth size as a multiple of α × plateau busbw",
            a => a.Communication.RampLatencyMultiple, (a, v) => a with { Communication = a.Communication with { RampLatencyMultiple = v } });
        yield return new("communication.ramp.exponent", "communication.ramp.exponent", nvswitch, "exponent", 0.3, 1,
            AssumptionBasis.Assumption, "prior 0.7", "p: steepness of the size ramp η(S) = 1 / (1 + (S½/S)^p), at most 1 so time grows with size",
            a => a.Communication.RampExponent, (a, v) => a with { Communication = a.Communication with { RampExponent = v } });

        yield return Efficiency("nvlink-bridge-ampere", "collective.nvlink-bridge", 0.75, c => c.NvLinkBridgeAmpere, (c, l) => c with { NvLinkBridgeAmpere = l });
        yield return Efficiency("nvlink-bridge-hopper", "collective.nvlink-bridge", 0.75, c => c.NvLinkBridgeHopper, (c, l) => c with { NvLinkBridgeHopper = l });
        yield return Efficiency("pcie", "collective.pcie", 0.75, c => c.Pcie, (c, l) => c with { Pcie = l });
        yield return Efficiency("pcie-cross-socket", "collective.pcie", 0.6, c => c.PcieCrossSocket, (c, l) => c with { PcieCrossSocket = l });
        yield return Efficiency("xgmi", "collective.xgmi", 0.72, c => c.Xgmi, (c, l) => c with { Xgmi = l },
            AssumptionBasis.Measured, "stas00/ml-engineering (as recorded in the GPU catalog): RCCL busbw 47.7 GB/s at 2 and 312.9 GB/s at 8 MI300X over 64 GB/s per-peer links");

        foreach (var fabric in Fabrics())
        {
            yield return fabric;
        }

        const string custom = "collective.custom-allreduce";
        yield return new("communication.custom-allreduce.launch-latency", "communication.custom-allreduce.launch-latency", custom, "us", 1, 20,
            AssumptionBasis.Assumption, "prior 5 us", "fixed cost of one custom all-reduce kernel",
            a => a.Communication.CustomAllReduceLaunchLatencyUs, (a, v) => a with { Communication = a.Communication with { CustomAllReduceLaunchLatencyUs = v } });
        yield return new("communication.custom-allreduce.per-peer-latency", "communication.custom-allreduce.per-peer-latency", custom, "us", 0.05, 3,
            AssumptionBasis.Assumption, "prior 0.5 us", "extra latency per peer rank (barrier flags written to every peer)",
            a => a.Communication.CustomAllReducePerPeerLatencyUs, (a, v) => a with { Communication = a.Communication with { CustomAllReducePerPeerLatencyUs = v } });
        yield return new("communication.custom-allreduce.half-bandwidth-size", "communication.custom-allreduce.half-bandwidth-size", custom, "bytes", 1 << 20, 1L << 30,
            AssumptionBasis.Assumption, "prior 16 MiB", "buffer size at which the custom kernel reaches half the NVLink ring plateau",
            a => a.Communication.CustomAllReduceHalfBandwidthBytes,
            (a, v) => a with { Communication = a.Communication with { CustomAllReduceHalfBandwidthBytes = (long)Math.Round(v) } });
        yield return new("communication.custom-allreduce.ramp-exponent", "communication.custom-allreduce.ramp-exponent", custom, "exponent", 0.2, 1,
            AssumptionBasis.Assumption, "prior 0.5", "steepness of the custom kernel's size ramp",
            a => a.Communication.CustomAllReduceRampExponent, (a, v) => a with { Communication = a.Communication with { CustomAllReduceRampExponent = v } });
    }

    private static FittedParameter Step(string link, string group, double low, double high, string prior,
        Func<CommunicationAssumptions, LinkProfile> get, Func<CommunicationAssumptions, LinkProfile, CommunicationAssumptions> set) =>
        new($"communication.{link}.step-latency", $"communication.{link}.step-latency", group, "us", low, high,
            AssumptionBasis.Assumption, prior, "latency of one algorithm step (one hop of a ring or tree)",
            a => get(a.Communication).StepLatencyUs,
            (a, v) => a with { Communication = set(a.Communication, get(a.Communication) with { StepLatencyUs = v }) });

    private static FittedParameter Efficiency(string link, string group, double prior,
        Func<CommunicationAssumptions, LinkProfile> get, Func<CommunicationAssumptions, LinkProfile, CommunicationAssumptions> set,
        AssumptionBasis basis = AssumptionBasis.Assumption, string? source = null) =>
        new($"communication.{link}.busbw-efficiency", $"communication.{link}.busbw-efficiency", group, "fraction of line rate", 0.3, 0.95,
            basis, source ?? $"prior {prior}",
            "plateau busbw at large messages as a fraction of the link's per-direction line rate",
            a => get(a.Communication).BusBandwidthEfficiency,
            (a, v) => a with { Communication = set(a.Communication, get(a.Communication) with { BusBandwidthEfficiency = v }) });
}
