namespace Sizing.Domain.Moe;

/// <summary>How unevenly routed tokens land on the EP ranks, and how many ranks and nodes a token reaches.</summary>
/// <remarks>
/// <para>Imbalance: the busiest rank's routed tokens over the mean, 1 + z·cv with z = √(2 ln R) (the expected maximum of R
/// near-normal loads) and cv² = (1 − 1/R)/μ + cv_e²/(E/R): the multinomial noise of μ routed tokens per rank plus the
/// popularity spread of the E/R experts a rank holds (cv_e per expert, independent placement). An expert-parallel load
/// balancer (EPLB: redundant slots for the hot experts, placement by measured load) removes the popularity term; TensorRT-LLM
/// tech blog 4 measured what is left at 1.11 (EP 32, 1024 routed tokens per rank), the noise floor this formula gives.</para>
/// <para>Reach: a token picks k distinct experts among E, uniformly for planning, so a rank holding e of them is missed with
/// probability C(E − e, k) / C(E, k). Node-limited routing (DeepSeek-V3: at most 4 nodes per token) first picks the nodes.</para>
/// </remarks>
public static class ExpertLoad
{
    /// <summary>Busiest EP rank's routed tokens over the mean.</summary>
    /// <param name="ranks">EP ranks.</param>
    /// <param name="routedPerRank">Token copies the mean rank receives in the step (tokens × top-k / ranks).</param>
    /// <param name="expertsPerRank">Experts one rank holds.</param>
    /// <param name="loadBalancer">EPLB on: the popularity spread is balanced away.</param>
    /// <param name="expertPopularityCv">Coefficient of variation of the tokens each expert receives.</param>
    public static double Imbalance(int ranks, double routedPerRank, double expertsPerRank, bool loadBalancer, double expertPopularityCv) =>
        new Spread(ranks, expertsPerRank, loadBalancer, expertPopularityCv).Imbalance(routedPerRank);

    /// <summary>The part of <see cref="Imbalance"/> one layout fixes (its ranks and their experts), for the many steps a step
    /// model costs.</summary>
    public readonly struct Spread(int ranks, double expertsPerRank, bool loadBalancer, double expertPopularityCv)
    {
        private readonly double _noise = 1 - (1.0 / ranks);
        private readonly double _popularity = loadBalancer ? 0 : expertPopularityCv * expertPopularityCv / Math.Max(1, expertsPerRank);
        private readonly double _z = ranks > 1 ? Math.Sqrt(2 * Math.Log(ranks)) : 0;

        /// <summary>Busiest rank's routed tokens over the mean when the mean rank receives <paramref name="routedPerRank"/>.</summary>
        public double Imbalance(double routedPerRank)
        {
            if (ranks <= 1 || routedPerRank <= 0)
            {
                return 1;
            }

            var imbalance = 1 + (_z * Math.Sqrt((_noise / routedPerRank) + _popularity));

            // No rank can take more than everything.
            return Math.Min(imbalance, ranks);
        }
    }

    /// <summary>Probability that a token's k experts (of <paramref name="experts"/>) miss a given set of
    /// <paramref name="held"/> experts: C(E − held, k) / C(E, k).</summary>
    public static double MissProbability(double experts, double held, int topK)
    {
        var miss = 1.0;
        for (var i = 0; i < topK; i++)
        {
            miss *= Math.Max(0, experts - held - i) / (experts - i);
        }

        return miss;
    }

    /// <summary>Expected distinct nodes (of <paramref name="nodes"/>) one token's experts sit on.</summary>
    /// <param name="maxNodesPerToken">Node-limited routing cap; null = none.</param>
    public static double NodesReached(int experts, int topK, int nodes, int? maxNodesPerToken)
    {
        var selected = Math.Min(nodes, maxNodesPerToken ?? nodes);
        var candidates = (double)experts * selected / nodes;
        return selected * (1 - MissProbability(candidates, (double)experts / nodes, topK));
    }

    /// <summary>Expected distinct EP ranks (of <paramref name="ranks"/>, spread over <paramref name="nodes"/>) one token reaches.</summary>
    public static double RanksReached(int experts, int topK, int ranks, int nodes, int? maxNodesPerToken)
    {
        var selected = Math.Min(nodes, maxNodesPerToken ?? nodes);
        var candidates = (double)experts * selected / nodes;
        var perRank = (double)experts / ranks;
        return ranks * ((double)selected / nodes) * (1 - MissProbability(candidates, perRank, topK));
    }
}
