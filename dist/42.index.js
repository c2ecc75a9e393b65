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




const BATCH = 100;
function createEcsClient(options) {
    const config = {
        credential: options.credential,
        regionId: options.region,
        readTimeout: options.readTimeoutMs ?? 30_000,
        connectTimeout: options.connectTimeoutMs ?? 10_000,
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
    };
}


/***/ })

};
