import Foundation
import Testing
@testable import CoFail

/// Tolerance tiers used across the tests (multiples of double epsilon where they apply).
enum Tol {
    static let bvnAbsolute = 1e-14  // Φ₂ is asked to be accurate to 1e-14 absolute (METHODS §2 wants ~1e-15)
    static let tetrachoric = 1e-9  // r against R's uniroot goldens, whose own tolerance is ~1e-10
    static let cpRelative = 1e-9  // GSL vs SciPy/Boost Beta quantiles
}

/// The folder of the test sources, with Goldens/ and Fixtures/ in it.
let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path

/// Reads a committed golden CSV (header + rows) from Goldens/.
func golden(_ name: String) throws -> [[String: String]] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens/\(name)")
    let text = try String(contentsOf: url, encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline).map(String.init)
    guard !lines.isEmpty else { throw CocoaError(.fileReadCorruptFile) }
    let header = lines.removeFirst().split(separator: ",").map(String.init)
    return lines.map { line in
        Dictionary(
            uniqueKeysWithValues: zip(
                header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
    }
}

func num(_ row: [String: String], _ key: String) -> Double { Double(row[key]!.trimmingCharacters(in: .whitespaces))! }

/// Every file and folder the tests write lives in one directory per test process, removed when
/// the process exits (a failed test leaves nothing behind in the system's temporary directory).
let testScratchDirectory: String = {
    let dir = NSTemporaryDirectory() + "cofail-tests-\(UUID().uuidString)/"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: testScratchDirectory) }
    return dir
}()

/// A fresh path in the scratch directory: prefix-UUID-suffix.
func scratchPath(_ prefix: String, _ suffix: String = "") -> String {
    testScratchDirectory + "\(prefix)-\(UUID().uuidString)\(suffix)"
}

/// A temporary file holding `text` (or raw bytes).
func tempFile(_ bytes: [UInt8], suffix: String = ".csv") throws -> String {
    let path = scratchPath("cofail-test", suffix)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}
func tempFile(_ text: String, suffix: String = ".csv") throws -> String {
    try tempFile(Array(text.utf8), suffix: suffix)
}

/// Runs the built `cofail` executable (it sits beside the test bundle).
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

func runCLI(_ args: [String], stdin: String? = nil) throws -> CLIResult {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("cofail")
    return try runProcess(exe.path, args, stdin: stdin)
}

/// Runs the program at `path` with `args`, capturing both outputs.
func runProcess(
    _ path: String, _ args: [String], stdin: String? = nil, environment: [String: String] = [:]
) throws -> CLIResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    if !environment.isEmpty {
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    p.arguments = args
    let out = Pipe()
    let err = Pipe()
    let inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = inp
    try p.run()
    if let stdin { inp.fileHandleForWriting.write(Data(stdin.utf8)) }
    try inp.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return CLIResult(
        status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
        stderr: String(decoding: e, as: UTF8.self))
}

/// The bundled example, relative to the package root.
let exampleMatrix = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
    "../../examples/zeroeval_math_l5/matrix.csv"
).standardized.path
let exampleRegistry = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
    "../../examples/zeroeval_math_l5/models.csv"
).standardized.path

/// Deterministic generator for property tests and synthetic matrices.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

/// The run signature of engine tests that do not go through a command.
let testSignature = RunSignature(
    command: "test",
    input: EngineInput(path: "test", format: nil, threshold: nil, minModelCoverage: nil, registry: nil),
    matrixHash: "0", seed: 1, zeroCellCorrection: true)

/// A generated matrix of the single-factor Gaussian law, with the complete-coverage policy applied.
func gaussianMatrix(
    queries: Int, models: Int, rho: Double, error: Double, spread: Double, seed: UInt64
) throws -> OutcomeMatrix {
    var spec = SyntheticMatrix.Spec(law: .gaussian, queries: queries, models: models)
    spec.rho = rho
    spec.error = error
    spec.spread = spread
    spec.seed = seed
    return try SyntheticMatrix(spec).raw.applyCoverage(.complete).0
}
