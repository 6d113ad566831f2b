using System.Globalization;

namespace Sizing.Domain.Deployment;

/// <summary>A release of the serving engine (vLLM 0.10.1.1, SGLang 0.4.3.post4): the memory rules key on it.</summary>
/// <remarks>
/// Only major, minor and patch matter: a build suffix (<c>.post4</c>, <c>rc2</c>, <c>.dev</c>, a fourth number) behaves like its
/// release, and an <c>x</c> stands for 0. Null everywhere means the newest release the model knows (<see cref="Parse"/>).
/// </remarks>
public sealed record EngineVersion(int Major, int Minor, int Patch) : IComparable<EngineVersion>
{
    /// <summary>vLLM's last release that ran the V0 engine by default (V1 became the default in 0.8.0); what <c>v0</c> names.</summary>
    public static EngineVersion LastVllmV0Default { get; } = new(0, 7, 3);

    /// <summary>The accepted spellings, for error messages and documentation.</summary>
    public const string Grammar = "a release such as \"0.10.1.1\", \"v0.11.0\" or \"0.4.3.post4\"; \"latest\"; or vLLM's engine generations \"v0\" (0.7.3, the last V0 default) and \"v1\" (latest)";

    /// <summary>The release <paramref name="text"/> names; null for "latest", "v1" or no text.</summary>
    /// <exception cref="FormatException">The text is none of <see cref="Grammar"/>.</exception>
    public static EngineVersion? Parse(string? text) =>
        TryParse(text, out var version) ? version : throw new FormatException($"'{text}' is not an engine version: expected {Grammar}.");

    /// <summary>Whether <paramref name="text"/> is one of <see cref="Grammar"/>; <paramref name="version"/> is null for the latest.</summary>
    public static bool TryParse(string? text, out EngineVersion? version)
    {
        version = null;
        var trimmed = text?.Trim().ToLowerInvariant() ?? string.Empty;
        if (trimmed is "" or "latest" or "v1")
        {
            return true;
        }

        if (trimmed == "v0")
        {
            version = LastVllmV0Default;
            return true;
        }

        var parts = trimmed.TrimStart('v').Split('.');
        if (parts.Length < 2 || !TryNumber(parts[0], out var major) || !TryNumber(parts[1], out var minor))
        {
            return false;
        }

        var patch = 0;
        if (parts.Length > 2 && !TryNumber(parts[2], out patch) && !char.IsLetter(parts[2].FirstOrDefault()))
        {
            return false;
        }

        version = new EngineVersion(major, minor, patch);
        return true;
    }

    public bool IsAtLeast(int major, int minor, int patch = 0) => CompareTo(new EngineVersion(major, minor, patch)) >= 0;

    public int CompareTo(EngineVersion? other) => other is null ? 1
        : Major != other.Major ? Major.CompareTo(other.Major)
        : Minor != other.Minor ? Minor.CompareTo(other.Minor)
        : Patch.CompareTo(other.Patch);

    public static bool operator <(EngineVersion? left, EngineVersion? right) => Compare(left, right) < 0;

    public static bool operator <=(EngineVersion? left, EngineVersion? right) => Compare(left, right) <= 0;

    public static bool operator >(EngineVersion? left, EngineVersion? right) => Compare(left, right) > 0;

    public static bool operator >=(EngineVersion? left, EngineVersion? right) => Compare(left, right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}");

    private static int Compare(EngineVersion? left, EngineVersion? right) =>
        left is null ? (right is null ? 0 : -1) : left.CompareTo(right);

    /// <summary>The leading digits of one component ("3post4" → 3, "x" → 0); false when it starts with neither.</summary>
    private static bool TryNumber(string part, out int value)
    {
        value = 0;
        if (part == "x")
        {
            return true;
        }

        var digits = part.TakeWhile(char.IsAsciiDigit).Count();
        return digits is > 0 and < 6 && int.TryParse(part.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
