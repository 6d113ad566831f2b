namespace Sizing.Api.Contracts.Version;

/// <summary>The running build.</summary>
/// <param name="Service">The service name, as in the OpenTelemetry <c>service.name</c>. Example: sizing.</param>
/// <param name="Version">Semantic version of the build. Example: 1.1.0.</param>
/// <param name="Commit">Git commit the build came from, or "unknown" when it was built without one.</param>
/// <param name="Runtime">The .NET runtime serving it. Example: .NET 10.0.0.</param>
public sealed record VersionResponse(string Service, string Version, string Commit, string Runtime);
