// The umbrella module: `import Vigie` brings every stage family.
@_exported import VigieAnalysis
@_exported import VigieAnonymise
@_exported import VigieBackground
@_exported import VigieBlobs
@_exported import VigieCore
@_exported import VigieDelivery
@_exported import VigieDetection
@_exported import VigieEvaluation
@_exported import VigieEvents
@_exported import VigieIO
@_exported import VigieJournal
@_exported import VigiePipeline
@_exported import VigieRules
@_exported import VigieSimulator
@_exported import VigieTracking
