using BenchmarkDotNet.Running;

namespace SparsityBounds.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--guard") return Guard.Run();
        if (args.Length > 1 && args[0] == "--reorthogonalization")
        {
            using var log = File.CreateText(args.Length > 2 ? args[2] : "reorthogonalization.txt");
            EndToEnd.CompareReorthogonalization(double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), log);
            return 0;
        }
        if (args.Length > 0 && args[0] == "--end-to-end")
        {
            using var log = File.CreateText(args.Length > 2 ? args[2] : "end-to-end.txt");
            EndToEnd.Run(args.Length > 1 ? int.Parse(args[1]) : -1, log, args.Length > 3 && args[3] == "overhead");
            return 0;
        }
        if (args.Length > 0 && args[0] == "--explore")
        {
            if (args[1] == "gemm") Explore.Gemm();
            else if (args[1] == "stream") Explore.Stream();
            else if (args[1] == "hvploop") Explore.HvpLoop(int.Parse(args[2]));
            else if (args[1] == "tail") Explore.Tail();
            else if (args[1] == "ritz") RitzExperiment.Run();
            else if (args[1] == "eig") EigenExplore.Run(args.Skip(2).Select(int.Parse).ToArray());
            else if (args[1] == "ortho") OrthoExperiment.Run(int.Parse(args[2]), int.Parse(args[3]));
            else if (args[1] == "gemm32") Explore.Gemm32();
            else if (args[1] == "null") NullCoordinatesExperiment.Run();
            else if (args[1] == "basis") BasisPrecisionExperiment.Run();
            else if (args[1] == "phases") PassPhasesExperiment.Run(int.Parse(args[2]), int.Parse(args[3]));
            else if (args[1] == "hvp32") Explore.Hvp32(int.Parse(args[2]), args.Length > 3 ? args[3].Split(',').Select(int.Parse).ToArray() : [1, 2, 4, 8]);
            else if (args[1] == "hvp") Explore.Hvp(args.Length > 3 ? args[3].Split(',').Select(int.Parse).ToArray() : [64, 256, 256, 10], int.Parse(args[2]));
            else Explore.Dense(args.Skip(1).Select(int.Parse).DefaultIfEmpty(4000).ToArray());
            return 0;
        }
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
