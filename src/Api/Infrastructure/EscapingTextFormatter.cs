using System.Globalization;
using System.Text;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace Sizing.Api.Infrastructure;

/// <summary>The plain-text console format, made unforgeable: one event never reads as two.</summary>
/// <remarks>
/// Property values (request paths, ids a caller sent) have their control characters escaped (<c>\n</c>, <c>\u001b</c>, …), so a URL
/// carrying <c>%0A</c> cannot start a line of its own; the lines an exception adds are indented, so nothing but the event's
/// first line starts at the left margin.
/// </remarks>
public sealed class EscapingTextFormatter : ITextFormatter
{
    private const string Template = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    private readonly MessageTemplateTextFormatter _inner = new(Template, CultureInfo.InvariantCulture);

    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);
        var escaped = new LogEvent(logEvent.Timestamp, logEvent.Level, logEvent.Exception, logEvent.MessageTemplate,
            logEvent.Properties.Select(p => new LogEventProperty(p.Key, Escape(p.Value))));
        using var buffer = new StringWriter(CultureInfo.InvariantCulture);
        _inner.Format(escaped, buffer);
        var lines = buffer.ToString().TrimEnd('\n', '\r').Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = Escape(lines[i].TrimEnd('\r'));
            output.Write(i > 0 && line.Length > 0 && !char.IsWhiteSpace(line[0]) ? "    " + line : line);
            output.Write('\n');
        }
    }

    /// <summary>Control characters, and the Unicode line and paragraph separators, as escapes.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(NeedsEscape))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when NeedsEscape(c) => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    private static LogEventPropertyValue Escape(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string text } => new ScalarValue(Escape(text)),
        SequenceValue sequence => new SequenceValue(sequence.Elements.Select(Escape)),
        StructureValue structure => new StructureValue(structure.Properties.Select(p => new LogEventProperty(p.Name, Escape(p.Value))), structure.TypeTag),
        DictionaryValue dictionary => new DictionaryValue(dictionary.Elements.Select(e =>
            new KeyValuePair<ScalarValue, LogEventPropertyValue>((ScalarValue)Escape(e.Key), Escape(e.Value)))),
        _ => value,
    };
}
