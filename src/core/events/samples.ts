// Sample events for the triggers people wire to functions most often, in the shapes AWS sends
// them. They are starting points for the invoke panel and `flourish invoke --sample`; every
// value is made up for this project (account 123456789012, example names, fixed times).

export interface SampleEvent {
  id: string;
  title: string;
  description: string;
  payload: unknown;
}

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const TIME = '2026-11-24T12:00:00Z';
const EPOCH_MS = Date.parse(TIME);

export const SAMPLE_EVENTS: readonly SampleEvent[] = [
  {
    id: 'http-api',
    title: 'API Gateway HTTP API (payload 2.0)',
    description: 'A POST with a JSON body through an HTTP API or a function URL.',
    payload: {
      version: '2.0',
      routeKey: 'POST /orders',
      rawPath: '/orders',
      rawQueryString: 'dryRun=false',
      headers: {
        'content-type': 'application/json',
        host: 'abcdef1234.execute-api.us-east-1.amazonaws.com',
        'user-agent': 'curl/8.5.0',
      },
      queryStringParameters: { dryRun: 'false' },
      requestContext: {
        accountId: ACCOUNT,
        apiId: 'abcdef1234',
        domainName: 'abcdef1234.execute-api.us-east-1.amazonaws.com',
        http: {
          method: 'POST',
          path: '/orders',
          protocol: 'HTTP/1.1',
          sourceIp: '198.51.100.7',
          userAgent: 'curl/8.5.0',
        },
        requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
        routeKey: 'POST /orders',
        stage: '$default',
        time: '24/Nov/2026:12:00:00 +0000',
        timeEpoch: EPOCH_MS,
      },
      body: JSON.stringify({ item: 'teapot', quantity: 1 }),
      isBase64Encoded: false,
    },
  },
  {
    id: 's3-put',
    title: 'S3 object created',
    description: 'A PUT of one object into a bucket.',
    payload: {
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: REGION,
          eventTime: TIME,
          eventName: 'ObjectCreated:Put',
          userIdentity: { principalId: 'AWS:AIDAEXAMPLEPRINCIPAL' },
          requestParameters: { sourceIPAddress: '198.51.100.7' },
          responseElements: {
            'x-amz-request-id': 'EXAMPLE123456789',
            'x-amz-id-2': 'EXAMPLE123/abcdefghijklmnopqrstuvwxyz',
          },
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: 'on-upload',
            bucket: {
              name: 'example-uploads',
              ownerIdentity: { principalId: 'EXAMPLEOWNER' },
              arn: 'arn:aws:s3:::example-uploads',
            },
            object: {
              key: 'incoming/report.csv',
              size: 1024,
              eTag: '0123456789abcdef0123456789abcdef',
              sequencer: '0A1B2C3D4E5F678901',
            },
          },
        },
      ],
    },
  },
  {
    id: 'sqs',
    title: 'SQS message batch',
    description: 'One message from a standard queue.',
    payload: {
      Records: [
        {
          messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
          receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
          body: JSON.stringify({ orderId: 'o-1001', status: 'paid' }),
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(EPOCH_MS),
            SenderId: 'AIDAEXAMPLESENDER',
            ApproximateFirstReceiveTimestamp: String(EPOCH_MS + 2),
          },
          messageAttributes: {},
          md5OfBody: '7b270e59b47ff90a553787216d55d91d',
          eventSource: 'aws:sqs',
          eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders`,
          awsRegion: REGION,
        },
      ],
    },
  },
  {
    id: 'schedule',
    title: 'EventBridge schedule',
    description: 'What a rate() or cron() schedule delivers.',
    payload: {
      version: '0',
      id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: ACCOUNT,
      time: TIME,
      region: REGION,
      resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/every-five-minutes`],
      detail: {},
    },
  },
  {
    id: 'dynamodb-stream',
    title: 'DynamoDB stream record',
    description: 'An INSERT with the new image.',
    payload: {
      Records: [
        {
          eventID: 'c4ca4238a0b923820dcc509a6f75849b',
          eventName: 'INSERT',
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: REGION,
          dynamodb: {
            ApproximateCreationDateTime: EPOCH_MS / 1000,
            Keys: { pk: { S: 'order#1001' } },
            NewImage: {
              pk: { S: 'order#1001' },
              status: { S: 'paid' },
              total: { N: '42.50' },
            },
            SequenceNumber: '4421584500000000017450439091',
            SizeBytes: 64,
            StreamViewType: 'NEW_AND_OLD_IMAGES',
          },
          eventSourceARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders/stream/2026-11-24T12:00:00.000`,
        },
      ],
    },
  },
];

export function findSampleEvent(id: string): SampleEvent | undefined {
  return SAMPLE_EVENTS.find((sample) => sample.id === id);
}
