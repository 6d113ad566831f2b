using System.Reflection;
using System.Runtime.InteropServices;

namespace Sizing.Api.Infrastructure;

/// <summary>What build is running: the version from Directory.Build.props and the commit it was built from.</summary>
/// <remarks>
/// The SDK appends <c>+$(SourceRevisionId)</c> to the informational version; Source Link fills SourceRevisionId from git,
/// and a build without git (a container build without <c>.git</c>) can pass <c>-p:SourceRevisionId=SHA</c>. Without
/// either, the commit is "unknown".
/// </remarks>
public static class BuildInfo
{
    public const string ServiceName = "sizing";

    private static readonly string Informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The semantic version, e.g. 1.1.0.</summary>
    public static string Version { get; } = Informational.Split('+')[0];

    /// <summary>The commit the build came from, or "unknown".</summary>
    public static string Commit { get; } = Informational.Split('+') is [_, { Length: > 0 } sha, ..] ? sha : "unknown";

    /// <summary>The .NET runtime, e.g. ".NET 10.0.0".</summary>
    public static string Runtime => RuntimeInformation.FrameworkDescription;
}
