namespace SparsityBounds.Cli.Npy;

/// <summary>Element types the reader accepts (little-endian where the width is above one byte).</summary>
internal enum NpyDType
{
    /// <summary><c>|b1</c>: NumPy bool, one byte 0 or 1.</summary>
    Bool,
    /// <summary><c>|u1</c>.</summary>
    UInt8,
    /// <summary><c>|i1</c>.</summary>
    Int8,
    /// <summary><c>&lt;i2</c>.</summary>
    Int16,
    /// <summary><c>&lt;u2</c>.</summary>
    UInt16,
    /// <summary><c>&lt;i4</c>.</summary>
    Int32,
    /// <summary><c>&lt;u4</c>.</summary>
    UInt32,
    /// <summary><c>&lt;i8</c>.</summary>
    Int64,
    /// <summary><c>&lt;f2</c> (IEEE half).</summary>
    Float16,
    /// <summary><c>&lt;f4</c>.</summary>
    Float32,
    /// <summary><c>&lt;f8</c>.</summary>
    Float64,
}

/// <summary>
/// A 1-D or 2-D array read from a NumPy <c>.npy</c> file, converted to double (exactly: every accepted dtype is exactly
/// representable in double except int64/uint beyond 2^53, which the reader rejects). Row-major (C order).
/// </summary>
internal sealed class NpyArray
{
    internal NpyArray(string source, NpyDType dtype, int[] shape, double[] values, int formatMajorVersion)
    {
        Source = source;
        DType = dtype;
        Shape = shape;
        Values = values;
        FormatMajorVersion = formatMajorVersion;
    }

    /// <summary>The file (or stream name) the array came from, for messages.</summary>
    public string Source { get; }

    /// <summary>The stored element type.</summary>
    public NpyDType DType { get; }

    /// <summary>The shape: one or two dimensions.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The elements in C order, as doubles.</summary>
    public double[] Values { get; }

    /// <summary>The .npy format major version of the file (1, 2 or 3).</summary>
    public int FormatMajorVersion { get; }

    /// <summary>The shape as NumPy prints it, e.g. <c>(3, 4)</c> or <c>(5,)</c>.</summary>
    public string ShapeText => Shape.Count == 1 ? $"({Shape[0]},)" : "(" + string.Join(", ", Shape) + ")";

    /// <summary>The array as a vector; it must be 1-D.</summary>
    /// <param name="role">What the array is for (used in messages), e.g. "weights".</param>
    /// <exception cref="NpyFormatException">The array is not 1-D, or holds NaN or infinity.</exception>
    public double[] ToVector(string role)
    {
        if (Shape.Count != 1)
            throw new NpyFormatException(Source,
                $"{role} must be a 1-D array, but it has shape {ShapeText}" +
                (Shape.Count == 2 && (Shape[0] == 1 || Shape[1] == 1) ? " (flatten it: np.save(path, a.ravel()))." : "."));
        if (DType == NpyDType.Bool)
            throw new NpyFormatException(Source, $"{role} must be numbers, but this is a bool array (a mask?).");
        CheckFinite(role);
        return Values;
    }

    /// <summary>The array as a square matrix; it must be 2-D with equal dimensions.</summary>
    /// <exception cref="NpyFormatException">Not 2-D, not square, or holds NaN or infinity.</exception>
    public double[,] ToSquareMatrix(string role)
    {
        if (Shape.Count != 2 || Shape[0] != Shape[1])
            throw new NpyFormatException(Source, $"{role} must be a square 2-D array (D, D), but it has shape {ShapeText}.");
        if (DType == NpyDType.Bool)
            throw new NpyFormatException(Source, $"{role} must be numbers, but this is a bool array.");
        CheckFinite(role);
        int n = Shape[0];
        var matrix = new double[n, n];
        Buffer.BlockCopy(Values, 0, matrix, 0, Values.Length * sizeof(double));
        return matrix;
    }

    /// <summary>The array as a boolean mask: 1-D, dtype bool or integers that are all 0 or 1.</summary>
    /// <exception cref="NpyFormatException">Not 1-D, a floating-point dtype, or an integer other than 0 and 1.</exception>
    public bool[] ToMask(string role)
    {
        if (Shape.Count != 1)
            throw new NpyFormatException(Source, $"{role} must be a 1-D array, but it has shape {ShapeText}.");
        if (DType is NpyDType.Float16 or NpyDType.Float32 or NpyDType.Float64)
            throw new NpyFormatException(Source,
                $"{role} must have dtype bool or an integer dtype holding 0/1, not floating point ({DescriptorOf(DType)}); save it with a.astype(bool).");
        var mask = new bool[Values.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            double v = Values[i];
            if (v != 0 && v != 1)
                throw new NpyFormatException(Source, $"{role} must hold only 0 and 1, but element {i} is {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
            mask[i] = v == 1;
        }
        return mask;
    }

    private void CheckFinite(string role)
    {
        for (int i = 0; i < Values.Length; i++)
            if (!double.IsFinite(Values[i]))
            {
                string where = Shape.Count == 2 ? $"element [{i / Shape[1]}, {i % Shape[1]}]" : $"element {i}";
                string what = double.IsNaN(Values[i]) ? "NaN" : Values[i] > 0 ? "+inf" : "-inf";
                throw new NpyFormatException(Source, $"{role} must be finite, but {where} is {what}.");
            }
    }

    /// <summary>The NumPy descriptor of a dtype, e.g. <c>&lt;f8</c>.</summary>
    internal static string DescriptorOf(NpyDType dtype) => dtype switch
    {
        NpyDType.Bool => "|b1",
        NpyDType.UInt8 => "|u1",
        NpyDType.Int8 => "|i1",
        NpyDType.Int16 => "<i2",
        NpyDType.UInt16 => "<u2",
        NpyDType.Int32 => "<i4",
        NpyDType.UInt32 => "<u4",
        NpyDType.Int64 => "<i8",
        NpyDType.Float16 => "<f2",
        NpyDType.Float32 => "<f4",
        NpyDType.Float64 => "<f8",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>Bytes per element.</summary>
    internal static int ItemSize(NpyDType dtype) => dtype switch
    {
        NpyDType.Bool or NpyDType.UInt8 or NpyDType.Int8 => 1,
        NpyDType.Int16 or NpyDType.UInt16 or NpyDType.Float16 => 2,
        NpyDType.Int32 or NpyDType.UInt32 or NpyDType.Float32 => 4,
        NpyDType.Int64 or NpyDType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };
}

/// <summary>A .npy file that cannot be read as asked: the message names the file and says what is wrong.</summary>
internal sealed class NpyFormatException : Exception
{
    /// <summary>Creates the exception; the message is "<paramref name="source"/>: <paramref name="problem"/>".</summary>
    public NpyFormatException(string source, string problem) : base($"{source}: {problem}")
    {
        Source = source;
        Problem = problem;
    }

    /// <summary>The file the problem is in.</summary>
    public new string Source { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
