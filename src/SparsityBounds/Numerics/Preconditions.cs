using System.Globalization;
using System.Runtime.CompilerServices;

namespace SparsityBounds.Numerics;

/// <summary>Argument checks shared by every public entry point: they run before any work and name the offending parameter and value.</summary>
internal static class Preconditions
{
    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    internal static void CheckNotNull<T>(T? value, [CallerArgumentExpression(nameof(value))] string? name = null) where T : class
    {
        if (value is null) throw new ArgumentNullException(name);
    }

    internal static void CheckFinite(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite; got {Format(value)}.");
    }

    internal static void CheckFinitePositive(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value) || value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and > 0; got {Format(value)}.");
    }

    internal static void CheckFiniteNonNegative(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value) || value < 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and >= 0; got {Format(value)}.");
    }

    internal static void CheckFraction(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0 && value <= 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, 1]; got {Format(value)}.");
    }

    internal static void CheckOpenUnitInterval(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value > 0 && value < 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in (0, 1); got {Format(value)}.");
    }

    internal static void CheckPositive(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be > 0; got {value}.");
    }

    internal static void CheckNonNegative(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= 0; got {value}.");
    }

    internal static void CheckNotEmpty(int length, string name)
    {
        if (length == 0) throw new ArgumentException($"{name} must not be empty.", name);
    }

    /// <summary>Every entry must be finite; the message gives the first bad index and value.</summary>
    internal static void CheckAllFinite(ReadOnlySpan<double> values, string name)
    {
        int bad = IndexOfNonFinite(values);
        if (bad >= 0)
            throw new ArgumentException($"{name}[{bad}] is {Format(values[bad])}; every entry must be finite.", name);
    }

    internal static int IndexOfNonFinite(ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i])) return i;
        return -1;
    }

    internal static void CheckLength(int actual, int expected, string name, string expectedWhat)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has length {actual}; expected {expected} ({expectedWhat}).", name);
    }

    internal static void CheckOperatorSpans(int dimension, ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != dimension)
            throw new ArgumentException($"x has length {x.Length}; the operator has dimension {dimension}.", nameof(x));
        if (y.Length != dimension)
            throw new ArgumentException($"y has length {y.Length}; the operator has dimension {dimension}.", nameof(y));
        if (x.Overlaps(y))
            throw new ArgumentException("x and y must not overlap.", nameof(y));
    }
}
