namespace Sizing.Domain.Recommendation;

/// <summary>Load on one replica: how many requests it holds and how long arrivals wait.</summary>
public static class Queueing
{
    /// <summary>Requests in flight that a load needs: Little's law, L = λ·W.</summary>
    /// <remarks>Little (1961): in steady state the mean number in a system is the arrival rate times the mean time spent in it.</remarks>
    public static double LittlesLaw(double arrivalsPerSecond, double secondsInSystem) => arrivalsPerSecond * secondsInSystem;

    /// <summary>Utilisation ρ = λ / μ.</summary>
    public static double Utilization(double arrivalsPerSecond, double capacityPerSecond) =>
        capacityPerSecond > 0 ? arrivalsPerSecond / capacityPerSecond : double.PositiveInfinity;

    /// <summary>Mean wait before service in an M/D/1 queue: W_q = ρ / (2μ(1 − ρ)); infinite at ρ ≥ 1.</summary>
    /// <remarks>
    /// Pollaczek–Khinchine with deterministic service 1/μ (Kleinrock, Queueing Systems Vol. 1, §5.7). The replica is taken as
    /// one server whose rate μ is its saturated request rate at its KV-limited concurrency, fed by Poisson arrivals: the wait
    /// is small at low load and grows without bound as ρ → 1, which is what keeps TTFT honest near saturation.
    /// </remarks>
    public static double MD1WaitSeconds(double arrivalsPerSecond, double capacityPerSecond)
    {
        var rho = Utilization(arrivalsPerSecond, capacityPerSecond);
        return rho >= 1 ? double.PositiveInfinity : rho / (2 * capacityPerSecond * (1 - rho));
    }

    /// <summary>The wait 99 % of requests stay under in the same M/D/1 queue: none with probability 1 − ρ, else roughly
    /// exponential with mean W_q / ρ (the heavy-traffic tail of Kingman's approximation).</summary>
    public static double MD1WaitP99Seconds(double arrivalsPerSecond, double capacityPerSecond)
    {
        var rho = Utilization(arrivalsPerSecond, capacityPerSecond);
        if (rho >= 1)
        {
            return double.PositiveInfinity;
        }

        return rho <= 0.01 ? 0 : MD1WaitSeconds(arrivalsPerSecond, capacityPerSecond) / rho * Math.Log(rho / 0.01);
    }
}
