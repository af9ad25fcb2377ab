import AttestKit
import Foundation
import Hummingbird
import ZIPFoundation

/// Export bundles (docs/format.md) as ZIP downloads, for an EQA to replay (`Replayer`).
struct BundleRoutes {
    let store: CentreStore

    /// `GET /v1/bundles/store`: the whole store's bundle.
    func store(_ request: Request, context: ServerContext) async throws -> Response {
        try CheckpointRoutes.checkReader(context)
        return try download(name: "bundle") { directory, key in try store.exportBundle(to: directory, key: key) }
    }

    /// `GET /v1/learners/{learner}/bundle`: one learner's records, complete by the checkpoint's learner index.
    func learner(_ request: Request, context: ServerContext) async throws -> Response {
        try CheckpointRoutes.checkReader(context)
        let learner = try context.parameters.require("learner")
        guard try store.registration(of: learner) != nil else { throw Problem.notFound("learner \(learner) is not registered") }
        return try download(name: "bundle-\(learner)") { directory, key in try store.exportBundle(to: directory, learner: learner, key: key) }
    }

    /// Exports with `export` into a scratch directory, zips it into a scratch file under
    /// the folder `name`, and streams that; both are removed once it is sent.
    private func download(name: String, _ export: (String, VerifierKey) throws -> ExportSummary) throws -> Response {
        let key = try CheckpointRoutes.signingKey(of: store).verifierKey
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("attest-bundle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let zip = scratch.appendingPathComponent(name + ".zip")
        do {
            let folder = scratch.appendingPathComponent(name).path
            do { _ = try export(folder, key) } catch let error as BundleError {
                throw Problem(.conflict, "checkpoint", title: "No checkpoint covers the log", detail: error.description)
            }
            let archive = try Archive(url: zip, accessMode: .create)
            for file in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
                try archive.addEntry(with: name + "/" + file, relativeTo: scratch, compressionMethod: .deflate)
            }
        } catch {
            try? FileManager.default.removeItem(at: scratch)
            throw error
        }
        let size = try FileManager.default.attributesOfItem(atPath: zip.path)[.size] as? Int
        return Response(
            status: .ok,
            headers: [.contentType: "application/zip", .contentDisposition: "attachment; filename=\"\(name).zip\""],
            body: ResponseBody(contentLength: size) { writer in
                defer { try? FileManager.default.removeItem(at: scratch) }
                let file = try FileHandle(forReadingFrom: zip)
                defer { try? file.close() }
                while let chunk = try file.read(upToCount: 1 << 16), !chunk.isEmpty {
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
                try await writer.finish(nil)
            })
    }
}
