using Microsoft.AspNetCore.Mvc;
using Sizing.Api.Contracts.Version;
using Sizing.Api.Infrastructure;

namespace Sizing.Api.Controllers;

/// <summary>The build that is running, for release dashboards and incident reports.</summary>
[ApiController]
public sealed class VersionController : ControllerBase
{
    /// <summary>The service's version and the commit it was built from.</summary>
    /// <remarks>The version is the release in CHANGELOG.md; the commit is the git revision the binary was built from, or "unknown".</remarks>
    /// <response code="200">The build.</response>
    [HttpGet("/version", Name = "getVersion")]
    [ProducesResponseType<VersionResponse>(StatusCodes.Status200OK, "application/json")]
    public VersionResponse Get() => new(BuildInfo.ServiceName, BuildInfo.Version, BuildInfo.Commit, BuildInfo.Runtime);
}
