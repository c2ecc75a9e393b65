export const id = 42;
export const ids = [42];
export const modules = {

/***/ 52042:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createEcsClient: () => (/* binding */ createEcsClient)
/* harmony export */ });
/* harmony import */ var _alicloud_ecs20140526__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(17617);
/* harmony import */ var _alicloud_ecs20140526__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(_alicloud_ecs20140526__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _alicloud_openapi_core__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(69764);
/* harmony import */ var _alicloud_openapi_core__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(_alicloud_openapi_core__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _darabonba_typescript__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(85783);
/* harmony import */ var _darabonba_typescript__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(_darabonba_typescript__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _cloud_error_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(41257);
/* harmony import */ var _timeouts_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2779);





const BATCH = 100;
function createEcsClient(options) {
    const config = {
        credential: options.credential,
        regionId: options.region,
        readTimeout: options.readTimeoutMs ?? _timeouts_js__WEBPACK_IMPORTED_MODULE_4__/* .READ_TIMEOUT_MS */ .W,
        connectTimeout: options.connectTimeoutMs ?? _timeouts_js__WEBPACK_IMPORTED_MODULE_4__/* .CONNECT_TIMEOUT_MS */ .c,
    };
    if (options.endpoint) {
        config.endpoint = options.endpoint.host;
        config.protocol = options.endpoint.protocol;
    }
    const client = new (_alicloud_ecs20140526__WEBPACK_IMPORTED_MODULE_0___default())(new _alicloud_openapi_core__WEBPACK_IMPORTED_MODULE_1__.$OpenApiUtil.Config(config));
    const region = options.region;
    async function describe(request) {
        const found = [];
        let nextToken;
        do {
            const req = new _alicloud_ecs20140526__WEBPACK_IMPORTED_MODULE_0__.DescribeInstancesRequest({
                regionId: region,
                maxResults: BATCH,
                ...request,
                ...(nextToken ? { nextToken } : {}),
            });
            let body;
            try {
                body = (await client.describeInstancesWithOptions(req, new _darabonba_typescript__WEBPACK_IMPORTED_MODULE_2__.RuntimeOptions({}))).body;
            }
            catch (err) {
                throw (0,_cloud_error_js__WEBPACK_IMPORTED_MODULE_3__/* .toCloudError */ .d)('DescribeInstances', err);
            }
            for (const i of body?.instances?.instance ?? []) {
                if (!i.instanceId)
                    continue;
                found.push({
                    instanceId: i.instanceId,
                    name: i.instanceName ?? '',
                    status: i.status ?? '',
                    osType: i.OSType ?? '',
                    osName: i.OSName ?? '',
                });
            }
            nextToken = body?.nextToken || undefined;
        } while (nextToken);
        return found;
    }
    return {
        async describeInstances(instanceIds) {
            const all = [];
            for (let i = 0; i < instanceIds.length; i += BATCH) {
                all.push(...(await describe({ instanceIds: JSON.stringify(instanceIds.slice(i, i + BATCH)) })));
            }
            return all;
        },
        async describeInstancesByTags(tags) {
            return describe({
                tag: tags.map((t) => new _alicloud_ecs20140526__WEBPACK_IMPORTED_MODULE_0__.DescribeInstancesRequestTag({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}) })),
            });
        },
        async describeCloudAssistantStatus(instanceIds) {
            const all = [];
            // With InstanceId.N given, ECS returns every requested instance in one response (no paging).
            for (let i = 0; i < instanceIds.length; i += BATCH) {
                const req = new _alicloud_ecs20140526__WEBPACK_IMPORTED_MODULE_0__.DescribeCloudAssistantStatusRequest({ regionId: region, instanceId: instanceIds.slice(i, i + BATCH) });
                let body;
                try {
                    body = (await client.describeCloudAssistantStatusWithOptions(req, new _darabonba_typescript__WEBPACK_IMPORTED_MODULE_2__.RuntimeOptions({}))).body;
                }
                catch (err) {
                    throw (0,_cloud_error_js__WEBPACK_IMPORTED_MODULE_3__/* .toCloudError */ .d)('DescribeCloudAssistantStatus', err);
                }
                for (const s of body?.instanceCloudAssistantStatusSet?.instanceCloudAssistantStatus ?? []) {
                    if (!s.instanceId)
                        continue;
                    const status = { instanceId: s.instanceId, online: String(s.cloudAssistantStatus) === 'true' };
                    if (s.cloudAssistantVersion)
                        status.version = s.cloudAssistantVersion;
                    if (s.lastHeartbeatTime)
                        status.lastHeartbeatTime = s.lastHeartbeatTime;
                    all.push(status);
                }
            }
            return all;
        },
        async describeSnapshotsSince(since) {
            const found = [];
            // ECS takes the filter in minutes (yyyy-MM-ddTHH:mmZ): round down so nothing created in that minute is missed.
            const minute = since.toISOString().slice(0, 16) + 'Z';
            let nextToken;
            do {
                const req = new _alicloud_ecs20140526__WEBPACK_IMPORTED_MODULE_0__.DescribeSnapshotsRequest({
                    regionId: region,
                    sourceDiskType: 'System',
                    filter: [new _alicloud_ecs20140526__WEBPACK_IMPORTED_MODULE_0__.DescribeSnapshotsRequestFilter({ key: 'CreationStartTime', value: minute })],
                    maxResults: BATCH,
                    ...(nextToken ? { nextToken } : {}),
                });
                let body;
                try {
                    body = (await client.describeSnapshotsWithOptions(req, new _darabonba_typescript__WEBPACK_IMPORTED_MODULE_2__.RuntimeOptions({}))).body;
                }
                catch (err) {
                    throw (0,_cloud_error_js__WEBPACK_IMPORTED_MODULE_3__/* .toCloudError */ .d)('DescribeSnapshots', err);
                }
                for (const s of body?.snapshots?.snapshot ?? []) {
                    if (!s.snapshotId)
                        continue;
                    const info = {
                        snapshotId: s.snapshotId,
                        name: s.snapshotName ?? '',
                        status: s.status ?? '',
                        creationTime: s.creationTime ?? '',
                    };
                    if (typeof s.retentionDays === 'number')
                        info.retentionDays = s.retentionDays;
                    found.push(info);
                }
                nextToken = body?.nextToken || undefined;
            } while (nextToken);
            return found;
        },
    };
}


/***/ })

};
