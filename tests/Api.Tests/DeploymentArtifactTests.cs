using System.Text.RegularExpressions;
using Sizing.Domain.Catalog;
using YamlDotNet.RepresentationModel;

namespace Sizing.Api.Tests;

/// <summary>What CI can check without Docker or a cluster: the Dockerfile's invariants and the manifests' required fields.</summary>
public sealed class DeploymentArtifactTests
{
    private static readonly string Dockerfile = File.ReadAllText(RepositoryFiles.PathOf("Dockerfile"));

    [Fact]
    public void Dockerfile_BuildsWithTheSdkAndRunsOnAChiseledAspNetImage()
    {
        var stages = Regex.Matches(Dockerfile, @"^FROM\s+(\S+)\s+AS\s+(\S+)\s*$", RegexOptions.Multiline)
            .Select(m => (Image: m.Groups[1].Value, Name: m.Groups[2].Value)).ToList();

        Assert.Equal(2, stages.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", stages[0].Image, StringComparison.Ordinal);
        Assert.Equal("build", stages[0].Name);
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/aspnet:10\.0-[a-z]+-chiseled$", stages[1].Image);
        Assert.Contains("COPY --from=build", Dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_RestoresFromProjectFilesBeforeCopyingSources()
    {
        var restore = Dockerfile.IndexOf("RUN dotnet restore", StringComparison.Ordinal);
        var sources = Dockerfile.IndexOf("COPY src/ src/", StringComparison.Ordinal);

        Assert.True(restore > 0 && sources > restore, "restore must run on the copied .csproj files before the sources are copied");
        Assert.Contains("COPY src/Api/Api.csproj src/Api/", Dockerfile[..restore], StringComparison.Ordinal);
        Assert.Contains("COPY src/Domain/Domain.csproj src/Domain/", Dockerfile[..restore], StringComparison.Ordinal);
        Assert.Matches(@"(?m)^RUN dotnet publish .* -c Release .*-o /app$", Dockerfile);
    }

    [Fact]
    public void Dockerfile_RunsAsNonRootOnPort8080WithInvariantGlobalization()
    {
        var final = Dockerfile[Dockerfile.LastIndexOf("FROM ", StringComparison.Ordinal)..];

        Assert.Matches(@"(?m)^USER (\$APP_UID|app|1654)$", final);
        Assert.Matches(@"(?m)^EXPOSE 8080$", final);
        Assert.Contains("ASPNETCORE_HTTP_PORTS=8080", final, StringComparison.Ordinal);
        Assert.Contains("<InvariantGlobalization>true</InvariantGlobalization>", File.ReadAllText(RepositoryFiles.PathOf("Directory.Build.props")), StringComparison.Ordinal);
        Assert.Contains("COPY global.json Directory.Build.props", Dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void DockerIgnore_KeepsBuildOutputAndGitOutOfTheContext()
    {
        var ignored = File.ReadAllLines(RepositoryFiles.PathOf(".dockerignore"));

        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains(".git/", ignored);
    }

    [Fact]
    public void Kustomization_ListsEveryManifestInDeploy()
    {
        var kustomization = Load("kustomization.yaml");
        var files = Directory.GetFiles(RepositoryFiles.PathOf("deploy"), "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml");

        var resources = Seq(kustomization, "resources").Select(r => ((YamlScalarNode)r).Value);

        Assert.Equal(files.Order(StringComparer.Ordinal), resources.Order(StringComparer.Ordinal));
        Assert.Equal(
            ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "NetworkPolicy", "PodDisruptionBudget", "Service"],
            resources.Select(r => Text(Load(r!), "kind")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Deployment_ProbesHealthAndLimitsResourcesAndRunsLockedDown()
    {
        var deployment = Load("deployment.yaml");
        var pod = Map(deployment, "spec", "template", "spec");
        var container = (YamlMappingNode)Seq(pod, "containers").Single();

        Assert.Equal("apps/v1", Text(deployment, "apiVersion"));
        Assert.Equal("/health/ready", Text(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("/health/live", Text(container, "livenessProbe", "httpGet", "path"));
        var ports = Seq(container, "ports").Cast<YamlMappingNode>().ToDictionary(p => Text(p, "name")!, p => Text(p, "containerPort"));
        Assert.Equal("8080", ports["http"]);
        foreach (var kind in new[] { "requests", "limits" })
        {
            Assert.NotNull(Text(container, "resources", kind, "cpu"));
            Assert.NotNull(Text(container, "resources", kind, "memory"));
        }

        Assert.Equal("true", Text(pod, "securityContext", "runAsNonRoot"));
        Assert.Equal("true", Text(container, "securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("false", Text(container, "securityContext", "allowPrivilegeEscalation"));
        Assert.Equal(
            Text(deployment, "spec", "selector", "matchLabels", "app.kubernetes.io/name"),
            Text(deployment, "spec", "template", "metadata", "labels", "app.kubernetes.io/name"));
    }

    [Fact]
    public void Kustomization_PinsTheImageToTheReleaseVersion()
    {
        var image = (YamlMappingNode)Seq(Load("kustomization.yaml"), "images").Single();
        var version = Regex.Match(File.ReadAllText(RepositoryFiles.PathOf("Directory.Build.props")), "<VersionPrefix>([^<]+)</VersionPrefix>").Groups[1].Value;

        Assert.Equal("sizing", Text(image, "name"));
        Assert.Equal(version, Text(image, "newTag"));
        Assert.Contains($"## [{version}]", File.ReadAllText(RepositoryFiles.PathOf("CHANGELOG.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Deployment_SpreadsReplicasAcrossZonesAndNodes()
    {
        var deployment = Load("deployment.yaml");
        var spread = Seq(Map(deployment, "spec", "template", "spec"), "topologySpreadConstraints").Cast<YamlMappingNode>().ToList();
        var podName = Text(deployment, "spec", "template", "metadata", "labels", "app.kubernetes.io/name");

        Assert.Equal(["kubernetes.io/hostname", "topology.kubernetes.io/zone"], spread.Select(s => Text(s, "topologyKey")).Order(StringComparer.Ordinal));
        Assert.All(spread, s => Assert.Equal(podName, Text(s, "labelSelector", "matchLabels", "app.kubernetes.io/name")));
    }

    [Fact]
    public void NetworkPolicy_AdmitsHttpOnlyAndDeniesEgress()
    {
        var policy = Load("networkpolicy.yaml");
        var rule = (YamlMappingNode)Seq(policy, "spec", "ingress").Single();

        Assert.Equal("networking.k8s.io/v1", Text(policy, "apiVersion"));
        Assert.Equal(Text(Load("deployment.yaml"), "spec", "template", "metadata", "labels", "app.kubernetes.io/name"),
            Text(policy, "spec", "podSelector", "matchLabels", "app.kubernetes.io/name"));
        Assert.Equal(["Egress", "Ingress"], Seq(policy, "spec", "policyTypes").Select(t => ((YamlScalarNode)t).Value).Order(StringComparer.Ordinal));
        Assert.Empty(Seq(policy, "spec", "egress"));
        Assert.Equal("8080", Text((YamlMappingNode)Seq(rule, "ports").Single(), "port"));
    }

    [Fact]
    public void Deployment_MountsTheCatalogConfigMapWhereTheOverrideSettingsPoint()
    {
        var pod = Map(Load("deployment.yaml"), "spec", "template", "spec");
        var container = (YamlMappingNode)Seq(pod, "containers").Single();
        var env = Seq(container, "env").Cast<YamlMappingNode>().ToDictionary(e => Text(e, "name")!, e => Text(e, "value"));
        var mount = Seq(container, "volumeMounts").Cast<YamlMappingNode>().Single(m => Text(m, "name") == "catalog-overrides");
        var volume = Seq(pod, "volumes").Cast<YamlMappingNode>().Single(v => Text(v, "name") == "catalog-overrides");

        Assert.Equal(Text(Load("configmap-catalog.yaml"), "metadata", "name"), Text(volume, "configMap", "name"));
        Assert.Equal($"{Text(mount, "mountPath")}/gpus.json", env["Catalog__GpuFiles__0"]);
        Assert.Equal($"{Text(mount, "mountPath")}/models.json", env["Catalog__ModelFiles__0"]);
    }

    [Fact]
    public void Deployment_ServesMetricsOnlyOnAManagementPortTheServiceDoesNotRoute()
    {
        var deployment = Load("deployment.yaml");
        var container = (YamlMappingNode)Seq(Map(deployment, "spec", "template", "spec"), "containers").Single();
        var env = Seq(container, "env").Cast<YamlMappingNode>().ToDictionary(e => Text(e, "name")!, e => Text(e, "value"));
        var metrics = Text(Seq(container, "ports").Cast<YamlMappingNode>().Single(p => Text(p, "name") == "metrics"), "containerPort");
        var routed = Seq(Load("service.yaml"), "spec", "ports").Cast<YamlMappingNode>().Select(p => Text(p, "targetPort"));

        Assert.Equal(metrics, env["Observability__MetricsPort"]);
        Assert.Contains(metrics, env["ASPNETCORE_HTTP_PORTS"]!.Split(';'));
        Assert.Equal(metrics, Text(deployment, "spec", "template", "metadata", "annotations", "prometheus.io/port"));
        Assert.DoesNotContain("metrics", routed);
        Assert.Equal("false", env["OpenApi__SwaggerUi"]);
    }

    [Fact]
    public void CatalogConfigMap_HoldsValidOverrideDocuments()
    {
        var data = Map(Load("configmap-catalog.yaml"), "data");

        var build = HardwareCatalog.BuiltIn.WithOverrides(
            [("gpus.json", Text(data, "gpus.json")!)],
            [("models.json", Text(data, "models.json")!)]);

        Assert.Empty(build.Problems);
    }

    [Fact]
    public void ServiceHpaAndPdb_TargetTheDeployment()
    {
        var service = Load("service.yaml");
        var hpa = Load("hpa.yaml");
        var pdb = Load("pdb.yaml");
        var deployment = Load("deployment.yaml");
        var podName = Text(deployment, "spec", "template", "metadata", "labels", "app.kubernetes.io/name");

        Assert.Equal(podName, Text(service, "spec", "selector", "app.kubernetes.io/name"));
        Assert.Equal("http", Text((YamlMappingNode)Seq(service, "spec", "ports").Single(), "targetPort"));
        Assert.Equal("autoscaling/v2", Text(hpa, "apiVersion"));
        Assert.Equal(Text(deployment, "metadata", "name"), Text(hpa, "spec", "scaleTargetRef", "name"));
        Assert.True(int.Parse(Text(hpa, "spec", "minReplicas")!, System.Globalization.CultureInfo.InvariantCulture) >= 2);
        Assert.Equal("policy/v1", Text(pdb, "apiVersion"));
        Assert.Equal(podName, Text(pdb, "spec", "selector", "matchLabels", "app.kubernetes.io/name"));
    }

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(RepositoryFiles.PathOf(Path.Combine("deploy", file)));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, params string[] path) =>
        path.Aggregate(node, (current, key) => (YamlMappingNode)current.Children[new YamlScalarNode(key)]);

    private static YamlSequenceNode Seq(YamlMappingNode node, params string[] path) =>
        (YamlSequenceNode)Map(node, path[..^1]).Children[new YamlScalarNode(path[^1])];

    private static string? Text(YamlMappingNode node, params string[] path) =>
        Map(node, path[..^1]).Children.TryGetValue(new YamlScalarNode(path[^1]), out var value) ? ((YamlScalarNode)value).Value : null;
}
