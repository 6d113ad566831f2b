using System.Globalization;
using System.Runtime.CompilerServices;

namespace Sizing.Domain;

/// <summary>Interpolated text in the invariant culture, the one way every reason, note and command is written.</summary>
/// <remarks>The handler formats straight into a pooled buffer: no boxing and no FormattableString per call, which matters
/// where a search writes thousands of reasons.</remarks>
internal static class InvariantText
{
    public static string Invariant(ref Handler text) => text.ToStringAndClear();

    [InterpolatedStringHandler]
    internal ref struct Handler
    {
        private DefaultInterpolatedStringHandler _inner;

        public Handler(int literalLength, int formattedCount) =>
            _inner = new DefaultInterpolatedStringHandler(literalLength, formattedCount, CultureInfo.InvariantCulture);

        public void AppendLiteral(string value) => _inner.AppendLiteral(value);

        public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);

        public void AppendFormatted<T>(T value, string? format) => _inner.AppendFormatted(value, format);

        public void AppendFormatted<T>(T value, int alignment) => _inner.AppendFormatted(value, alignment);

        public void AppendFormatted<T>(T value, int alignment, string? format) => _inner.AppendFormatted(value, alignment, format);

        public void AppendFormatted(scoped ReadOnlySpan<char> value) => _inner.AppendFormatted(value);

        public void AppendFormatted(string? value) => _inner.AppendFormatted(value);

        public string ToStringAndClear() => _inner.ToStringAndClear();
    }
}
