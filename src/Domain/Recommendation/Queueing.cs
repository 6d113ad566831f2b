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
}
