using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace SparsityBounds.Cli.Npy;

/// <summary>
/// Writes NumPy <c>.npy</c> files byte-for-byte as <c>np.save</c> does: header dict
/// <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (n,), }</c> padded with spaces and a newline so the data start
/// on a 64-byte boundary, format version 1.0 unless the header needs more (or a version is asked for).
/// </summary>
internal static class NpyWriter
{
    /// <summary>Writes a 1-D float64 array.</summary>
    public static void Write(string path, ReadOnlySpan<double> values) => Write(path, values, [values.Length]);

    /// <summary>Writes a 1-D bool array.</summary>
    public static void Write(string path, ReadOnlySpan<bool> values)
    {
        var asDouble = new double[values.Length];
        for (int i = 0; i < values.Length; i++) asDouble[i] = values[i] ? 1 : 0;
        Write(path, asDouble, [values.Length], NpyDType.Bool);
    }

    /// <summary>Writes a square float64 matrix (C order).</summary>
    public static void Write(string path, double[,] matrix)
    {
        var flat = new double[matrix.Length];
        Buffer.BlockCopy(matrix, 0, flat, 0, flat.Length * sizeof(double));
        Write(path, flat, [matrix.GetLength(0), matrix.GetLength(1)]);
    }

    /// <summary>Writes values of the given shape and dtype to a file.</summary>
    public static void Write(string path, ReadOnlySpan<double> values, int[] shape, NpyDType dtype = NpyDType.Float64,
        int version = 0, bool fortranOrder = false)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Write(stream, values, shape, dtype, version, fortranOrder);
    }

    /// <summary>
    /// Writes values of the given shape and dtype. <paramref name="version"/> 0 picks 1.0 when the header fits 65,535
    /// bytes (as NumPy does). <paramref name="fortranOrder"/> only sets the header flag: the values are written in the
    /// order given (tests use it to make Fortran-order files).
    /// </summary>
    public static void Write(Stream stream, ReadOnlySpan<double> values, int[] shape, NpyDType dtype = NpyDType.Float64,
        int version = 0, bool fortranOrder = false)
    {
        long count = 1;
        foreach (int n in shape) count *= n;
        if (count != values.Length)
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {count} elements but {values.Length} values were given.", nameof(shape));
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string dict = $"{{'descr': '{NpyArray.DescriptorOf(dtype)}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {shapeText}, }}";
        if (version == 0) version = dict.Length + 11 <= ushort.MaxValue ? 1 : 2;
        if (version is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(version), version, "version must be 1, 2 or 3.");

        int prefix = 8 + (version == 1 ? 2 : 4);
        int total = prefix + dict.Length + 1;
        int padding = (64 - total % 64) % 64;
        string header = dict + new string(' ', padding) + "\n";
        byte[] headerBytes = (version == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header);

        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        Span<byte> length = stackalloc byte[4];
        if (version == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(length, checked((ushort)headerBytes.Length));
            stream.Write(length[..2]);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)headerBytes.Length);
            stream.Write(length);
        }
        stream.Write(headerBytes);

        int size = NpyArray.ItemSize(dtype);
        var buffer = new byte[size * Math.Min(values.Length, 8192) + size];
        int at = 0;
        for (int i = 0; i < values.Length; i++)
        {
            Span<byte> slot = buffer.AsSpan(at, size);
            double v = values[i];
            switch (dtype)
            {
                case NpyDType.Bool: slot[0] = v != 0 ? (byte)1 : (byte)0; break;
                case NpyDType.UInt8: slot[0] = checked((byte)v); break;
                case NpyDType.Int8: slot[0] = unchecked((byte)checked((sbyte)v)); break;
                case NpyDType.Int16: BinaryPrimitives.WriteInt16LittleEndian(slot, checked((short)v)); break;
                case NpyDType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(slot, checked((ushort)v)); break;
                case NpyDType.Int32: BinaryPrimitives.WriteInt32LittleEndian(slot, checked((int)v)); break;
                case NpyDType.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(slot, checked((uint)v)); break;
                case NpyDType.Int64: BinaryPrimitives.WriteInt64LittleEndian(slot, checked((long)v)); break;
                case NpyDType.Float16: BinaryPrimitives.WriteHalfLittleEndian(slot, (Half)v); break;
                case NpyDType.Float32: BinaryPrimitives.WriteSingleLittleEndian(slot, (float)v); break;
                case NpyDType.Float64: BinaryPrimitives.WriteDoubleLittleEndian(slot, v); break;
                default: throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype");
            }
            at += size;
            if (at + size > buffer.Length)
            {
                stream.Write(buffer, 0, at);
                at = 0;
            }
        }
        stream.Write(buffer, 0, at);
    }

    /// <summary>Formats a double the way the messages do (invariant, round-trip).</summary>
    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
