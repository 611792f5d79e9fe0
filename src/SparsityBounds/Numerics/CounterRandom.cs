using System.Runtime.CompilerServices;

namespace SparsityBounds.Numerics;

/// <summary>
/// Counter-based random numbers: every value is a pure function of (seed, stream, index), so a probe
/// vector or a Monte Carlo sample is the same whichever thread computes it and in whatever order.
/// </summary>
/// <remarks>
/// Implementation note: the generator hashes the 192-bit counter through three rounds of the SplitMix64
/// finaliser (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014), the
/// same construction as a counter-mode hash generator. It passes the usual moment and correlation checks in
/// the tests; it is not for cryptography.
/// </remarks>
internal static class CounterRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>64 random bits for (seed, stream, index).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Bits(int seed, long stream, long index)
    {
        ulong key = Mix((ulong)(uint)seed * Golden + 0x632BE59BD9B4E019UL);
        key = Mix(key ^ ((ulong)stream * Golden + 0xD1B54A32D192ED03UL));
        return Mix(key + (ulong)index * Golden);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Uniform(int seed, long stream, long index) =>
        (Bits(seed, stream, index) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Rademacher value ±1, each with probability ½.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Rademacher(int seed, long stream, long index) =>
        (Bits(seed, stream, index) >> 63) == 0 ? 1.0 : -1.0;

    /// <summary>Standard normal value by the Box–Muller transform of two uniforms drawn at counters 2·index and 2·index+1.</summary>
    internal static double Gaussian(int seed, long stream, long index)
    {
        // u1 in (0, 1] so the logarithm is finite.
        double u1 = ((Bits(seed, stream, 2 * index) >> 11) + 1) * (1.0 / (1UL << 53));
        double u2 = (Bits(seed, stream, 2 * index + 1) >> 11) * (1.0 / (1UL << 53));
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fills <paramref name="destination"/> with Rademacher values at indices 0..n−1 of the stream.</summary>
    internal static void FillRademacher(int seed, long stream, Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = Rademacher(seed, stream, i);
    }

    /// <summary>Fills <paramref name="destination"/> with standard normal values at indices 0..n−1 of the stream.</summary>
    internal static void FillGaussian(int seed, long stream, Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = Gaussian(seed, stream, i);
    }
}
