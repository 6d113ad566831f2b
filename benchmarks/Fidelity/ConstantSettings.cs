using System.Globalization;
using Sizing.Domain.Deployment;
using Sizing.Domain.Performance;

namespace Sizing.Fidelity;

/// <summary>Applies <c>--set Name=value</c> (a <see cref="PerformanceAssumptions"/> constant) or <c>--set engine.Name=value</c> (an
/// <see cref="EngineProfile"/> field) to an assumption set, so a person can try a constant without rebuilding.</summary>
public static class ConstantSettings
{
    public static PerformanceAssumptions Apply(PerformanceAssumptions assumptions, string setting)
    {
        ArgumentNullException.ThrowIfNull(assumptions);
        ArgumentNullException.ThrowIfNull(setting);
        var (name, text) = (setting[..setting.IndexOf('=', StringComparison.Ordinal)], setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var copy = assumptions with { };
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            Set(copy, name, text);
            return copy;
        }

        var engine = Sizing.Domain.EnumText.Find<Engine>(name[..dot]) ?? throw new ArgumentException($"unknown engine in '{name}'");
        var profile = copy.For(engine) with { };
        Set(profile, name[(dot + 1)..], text);
        return engine switch
        {
            Engine.Vllm => copy with { Vllm = profile },
            Engine.Sglang => copy with { Sglang = profile },
            Engine.Trtllm => copy with { Trtllm = profile },
            Engine.Lmdeploy => copy with { Lmdeploy = profile },
            _ => copy with { Generic = profile },
        };
    }

    private static void Set(object target, string name, string text)
    {
        var property = target.GetType().GetProperty(name) ?? throw new ArgumentException($"no constant '{name}' on {target.GetType().Name}");
        var value = property.PropertyType == typeof(bool)
            ? bool.Parse(text)
            : (object)double.Parse(text, CultureInfo.InvariantCulture);
        property.SetValue(target, value);
    }
}
